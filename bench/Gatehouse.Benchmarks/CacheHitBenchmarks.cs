using BenchmarkDotNet.Attributes;
using Gatehouse.Caching;
using Gatehouse.Gateway;
using Gatehouse.Gateway.Dialects;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Benchmarks;

/// <summary>
/// The response cache's hit path, in process: the canonical key of a request body (SHA-256 over
/// sorted JSON), the HybridCache lookup, and the copy of the stored answer into a response body.
/// The end-to-end cache-hit run (docs/benchmarks.md) compares the sum with a round trip to the mock.
/// </summary>
[MemoryDiagnoser]
public class CacheHitBenchmarks
{
    private ServiceProvider _services = null!;
    private ResponseCache _cache = null!;
    private GatewayContext _chat1K = null!;
    private GatewayContext _tools30K = null!;
    private string _storedKey = "";

    [GlobalSetup]
    public async Task Setup()
    {
        var services = new ServiceCollection();
        services.AddHybridCache().AddSerializer<CachedAnswer, CachedAnswerSerializer>();
        _services = services.BuildServiceProvider();
        _cache = new ResponseCache(_services.GetRequiredService<HybridCache>(), new Gatehouse.SharedState.InProcessStateChangeBus(), TimeProvider.System);
        _chat1K = Context(Payloads.Chat1K);
        _tools30K = Context(Payloads.Tools30K);
        _storedKey = ResponseCacheKey.Compute(_chat1K, CallCachePolicy.DefaultNamespace);

        var answer = new SharedAnswer();
        answer.Start(200, [new("Content-Type", "application/json")]);
        answer.Append(AnthropicPayloads.OpenAICompletion);
        answer.Complete(new SharedOutcome(200, null, null, null, Shareable: true, BodyAborted: false));
        await _cache.SetAsync(_storedKey, CallCachePolicy.DefaultNamespace, answer, streamed: false, _cache.UtcNow, TimeSpan.FromHours(1));
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Description = "key of a 1 KB chat request")]
    public string KeyChat1K() => ResponseCacheKey.Compute(_chat1K, CallCachePolicy.DefaultNamespace);

    [Benchmark(Description = "key of a 30 KB request with tools")]
    public string KeyTools30K() => ResponseCacheKey.Compute(_tools30K, CallCachePolicy.DefaultNamespace);

    [Benchmark(Description = "HybridCache lookup of a stored answer")]
    public async Task<int> Lookup() => (await _cache.GetAsync(_storedKey, CancellationToken.None))!.Body.Length;

    [Benchmark(Description = "hit path: key + lookup + copy the 1.7 KB answer")]
    public async Task<long> HitPath()
    {
        var key = ResponseCacheKey.Compute(_chat1K, CallCachePolicy.DefaultNamespace);
        var stored = (await _cache.GetAsync(key, CancellationToken.None))!;
        var response = new DefaultHttpContext { Response = { Body = new MemoryStream(stored.Body.Length) } }.Response;
        response.StatusCode = stored.StatusCode;
        foreach (var (name, value) in stored.Headers)
        {
            response.Headers[name] = value;
        }

        await response.Body.WriteAsync(stored.Body);
        return response.Body.Length;
    }

    private static GatewayContext Context(byte[] body) =>
        new(new DefaultHttpContext(), new CallRequest(ApiOperation.ChatCompletions, OpenAIChatDialect.Instance, Guid.CreateVersion7(), 0) { Body = PooledBody.Unpooled(body) });
}
