using System.Globalization;
using System.Net;
using System.Text.Json;
using Gatehouse.Hosting;
using Gatehouse.Routing;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Routing;

/// <summary>
/// A deployment's own tokens per minute, on real servers: a fake upstream that reports a chosen usage
/// as the capped primary, the simulator as the secondary. The limiters run on a FakeTimeProvider, so
/// nothing refills between calls unless a test moves the clock.
/// </summary>
public sealed class DeploymentTokenLimitTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FakeUpstream _primary = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _primary = await FakeUpstream.StartAsync();
        _server = await GatehouseServer.StartAsync(
            $$"""
            { "Gatehouse": {
                "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{_primary.BaseUrl}}" } },
                "Deployments": {
                  "primary": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o", "TokensPerMinute": 1000 },
                  "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } } },
                "Models": {
                  "spill": { "Deployments": [ "primary", "sim-small" ] },
                  "capped": { "Deployments": [ "primary" ] } } } }
            """,
            configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(PolicyClock.ServiceKey, _clock));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _primary.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallThatDoesNotFitTheDeploymentsMinute_FallsBackToTheSecondary()
    {
        UpstreamReportsUsage(prompt: 10, completion: 20, holdUntilReleased: true);
        using var client = _server.CreateClient();

        // ~8 prompt tokens + 600 allowed: the first reservation fits in 1000, a second one while the first is in flight does not.
        var first = Post(client, "spill", maxTokens: 600);
        await WaitForUpstreamCallsAsync(1);
        using var second = await Post(client, "spill", maxTokens: 600);
        Release();
        using var firstResponse = await first;

        Assert.Equal("primary", firstResponse.Headers.GetValues("x-gatehouse-deployment").Single());
        Assert.Equal("sim-small", second.Headers.GetValues("x-gatehouse-deployment").Single());
        Assert.Equal("primary:deployment_rate_limited", second.Headers.GetValues("x-gatehouse-failed-attempts").Single());
        Assert.Single(_primary.Received);
    }

    [Fact]
    public async Task NoDeploymentHasRoom_Is429WithRetryAfterAndRateLimitHeaders_UntilTheMinuteRefills()
    {
        UpstreamReportsUsage(prompt: 900, completion: 50);
        using var client = _server.CreateClient();
        using var first = await Post(client, "capped", maxTokens: null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // 50 tokens left; this call needs ~8 + 200.
        using var refused = await Post(client, "capped", maxTokens: 200);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("deployment_rate_limited", JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("1000", refused.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        Assert.Equal("50", refused.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        var retryAfter = refused.Headers.RetryAfter!.Delta!.Value;
        // ~158 missing tokens at 1000/60 a second: about 10 s.
        Assert.InRange(retryAfter.TotalSeconds, 9, 11);
        Assert.Equal($"{retryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s", refused.Headers.GetValues("x-ratelimit-reset-tokens").Single());
        Assert.Single(_primary.Received);

        _clock.Advance(retryAfter);
        using var later = await Post(client, "capped", maxTokens: 200);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Overestimate_IsGivenBack_SoALaterCallFits()
    {
        // Each call reserves ~608 and uses 30: without the refund the second could not have 608 of the 392 left.
        UpstreamReportsUsage(prompt: 10, completion: 20);
        using var client = _server.CreateClient();

        using var first = await Post(client, "capped", maxTokens: 600);
        using var second = await Post(client, "capped", maxTokens: 600);
        using var third = await Post(client, "capped", maxTokens: 600);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], [first.StatusCode, second.StatusCode, third.StatusCode]);
        Assert.Equal(3, _primary.Received.Count);
    }

    [Fact]
    public async Task MaxTokensIntMax_CannotOverflowPastTheDeploymentsCap()
    {
        // Prompt + 2147483647 wrapped to a negative estimate, which reserved nothing and was let through.
        UpstreamReportsUsage(prompt: 10, completion: 20);
        using var client = _server.CreateClient();
        using var first = await Post(client, "capped", maxTokens: 5);

        using var refused = await Post(client, "capped", maxTokens: int.MaxValue);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("deployment_rate_limited", JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Single(_primary.Received);
    }

    [Fact]
    public async Task Overrun_IsCharged_SoALaterCallFallsBack()
    {
        // The first call reserves only its prompt (~8, no max_tokens) but uses 950.
        UpstreamReportsUsage(prompt: 900, completion: 50);
        using var client = _server.CreateClient();

        using var first = await Post(client, "spill", maxTokens: null);
        using var second = await Post(client, "spill", maxTokens: 100);

        Assert.Equal("primary", first.Headers.GetValues("x-gatehouse-deployment").Single());
        Assert.Equal("sim-small", second.Headers.GetValues("x-gatehouse-deployment").Single());
    }

    [Fact]
    public async Task FailedAttempt_GivesItsReservationBack()
    {
        var calls = 0;
        _primary.Handler = (context, _) => Interlocked.Increment(ref calls) == 1
            ? FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"boom","type":"server_error"}}""", 500)
            : FakeResponses.WriteChatCompletionAsync(context, Completion(10, 20));
        using var client = _server.CreateClient();

        using var failed = await Post(client, "spill", maxTokens: 600);
        using var next = await Post(client, "spill", maxTokens: 600);

        Assert.Equal("sim-small", failed.Headers.GetValues("x-gatehouse-deployment").Single());
        Assert.Equal("primary", next.Headers.GetValues("x-gatehouse-deployment").Single());
    }

    private void Release() => _release.TrySetResult();

    private void UpstreamReportsUsage(int prompt, int completion, bool holdUntilReleased = false) =>
        _primary.Handler = async (context, _) =>
        {
            if (holdUntilReleased)
            {
                await _release.Task.WaitAsync(context.RequestAborted);
            }

            await FakeResponses.WriteChatCompletionAsync(context, Completion(prompt, completion));
        };

    private static string Completion(int prompt, int completion) => $$$"""
        {"id":"chatcmpl-tpm","object":"chat.completion","created":1730000000,"model":"upstream-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hi."},"finish_reason":"stop"}],"usage":{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{completion}}},"total_tokens":{{{prompt + completion}}}}}
        """;

    private static Task<HttpResponseMessage> Post(HttpClient client, string model, int? maxTokens)
    {
        var max = maxTokens is { } m ? $",\"max_tokens\":{m}" : "";
        return client.PostAsync("v1/chat/completions", GatehouseServer.Json($$"""{"model":"{{model}}"{{max}},"messages":[{"role":"user","content":"hi"}]}"""), Ct);
    }

    private async Task WaitForUpstreamCallsAsync(int count)
    {
        for (var i = 0; i < 500 && _primary.Received.Count < count; i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.Equal(count, _primary.Received.Count);
    }
}
