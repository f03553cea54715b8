using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Tests.Support;

/// <summary>
/// A fake OpenAI-compatible provider: a real Kestrel server on loopback whose behaviour each test
/// sets through <see cref="Handler"/>. It records every request it receives.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeUpstream(WebApplication app, string address)
    {
        _app = app;
        BaseUrl = address + "/v1";
    }

    /// <summary>Answers each call; the default answers a fixed chat completion.</summary>
    public Func<HttpContext, ReceivedRequest, Task> Handler { get; set; } = (context, _) => FakeResponses.WriteChatCompletionAsync(context);

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public string BaseUrl { get; }

    public static async Task<FakeUpstream> StartAsync()
    {
        FakeUpstream? upstream = null;
        var (app, address) = await LoopbackHttpServer.StartAsync((context, received) =>
        {
            upstream!.Received.Enqueue(received);
            return upstream.Handler(context, received);
        });
        upstream = new FakeUpstream(app, address);
        return upstream;
    }

    /// <summary>
    /// Configuration for fallback tests: deployment <c>primary</c> on this upstream (with
    /// <paramref name="primarySettings"/> added), the simulator's <c>sim-small</c> and <c>sim-medium</c>
    /// without latency, and the alias <paramref name="alias"/> = [primary, sim-small] (plus <paramref name="aliasSettings"/>).
    /// </summary>
    public string FallbackConfig(string alias, string primarySettings = "", string aliasSettings = "") => $$"""
        { "Gatehouse": {
            "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{BaseUrl}}" } },
            "Deployments": {
              "primary": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o"{{primarySettings}} },
              "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
              "sim-medium": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } } },
            "Models": { "{{alias}}": { "Deployments": [ "primary", "sim-small" ]{{aliasSettings}} } } } }
        """;

    /// <summary>Gatehouse configuration routing the public model <paramref name="alias"/> to this upstream.</summary>
    public string Config(string alias = "fake-model", string upstreamModel = "upstream-model", string priceAs = "gpt-4o", double timeoutSeconds = 30, string extra = "") => $$"""
        {
          "Gatehouse": {
            "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{BaseUrl}}", "ApiKey": "sk-upstream-secret", "Headers": { "X-Upstream-Tenant": "acme" } } },
            "Deployments": { "fake-deployment": { "Provider": "fake", "Model": "{{upstreamModel}}", "PriceAs": "{{priceAs}}", "TimeoutSeconds": {{timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}} } },
            "Models": { "{{alias}}": { "Deployments": [ "fake-deployment" ] } }
            {{extra}}
          }
        }
        """;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

internal sealed record ReceivedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);
