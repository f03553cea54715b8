using System.Net;
using Gatehouse.Hosting;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Resilience;

/// <summary>
/// Retries and the circuit breaker on real servers: a fake upstream on loopback as the primary, the
/// simulator as the fallback. Retry and breaker time runs on a FakeTimeProvider, so no test waits.
/// </summary>
public sealed class ResilienceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeUpstream _primary = null!;

    public async ValueTask InitializeAsync() => _primary = await FakeUpstream.StartAsync();

    public async ValueTask DisposeAsync() => await _primary.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Request = """{"model":"resilient","messages":[{"role":"user","content":"hi"}]}""";

    private Task<GatehouseServer> StartAsync(string resilience) => GatehouseServer.StartAsync(
        _primary.FallbackConfig("resilient", primarySettings: $", \"Resilience\": {resilience}"),
        configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(PolicyClock.ServiceKey, _clock));

    [Fact]
    public async Task RateLimited_RetryHonoursRetryAfter_OnTheSameDeployment()
    {
        var calls = 0;
        _primary.Handler = (context, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "2";
                return FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}""", 429);
            }

            return FakeResponses.WriteChatCompletionAsync(context);
        };
        await using var server = await StartAsync("""{ "Retries": 2, "RetryDelaySeconds": 0.1, "BreakerFailureRatio": 0 }""");
        using var client = server.CreateClient();

        var call = client.PostAsync("v1/chat/completions", GatehouseServer.Json(Request), Ct);
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);

        // Move the retry clock in small steps until the retry happens: it must take the upstream's
        // 2 s Retry-After, not the 0.1 s backoff.
        var advanced = TimeSpan.Zero;
        while (!call.IsCompleted && advanced < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, Ct);
            _clock.Advance(TimeSpan.FromMilliseconds(250));
            advanced += TimeSpan.FromMilliseconds(250);
        }

        using var response = await call.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.InRange(advanced, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("primary", response.Headers.GetValues("x-gatehouse-deployment").Single());
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal("primary:upstream_rate_limited", Assert.Single(await server.WaitForRecordsAsync(1)).FailedAttempts);
    }

    [Fact]
    public async Task BadRequest_IsNeverRetried()
    {
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"bad","type":"invalid_request_error","code":"invalid_value"}}""", 400);
        await using var server = await StartAsync("""{ "Retries": 3 }""");
        using var client = server.CreateClient();

        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Request), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(_primary.Received);
    }

    [Fact]
    public async Task StreamCutAfterFirstByte_IsNotRetried()
    {
        _primary.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents(includeUsage: false, terminate: false).Take(2));
        await using var server = await StartAsync("""{ "Retries": 3 }""");

        var (text, endedCleanly) = await SseReader.PostAsync(server, """{"model":"resilient","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.False(endedCleanly);
        Assert.Contains("upstream_stream_interrupted", text, StringComparison.Ordinal);
        Assert.Single(_primary.Received);
    }

    [Fact]
    public async Task Breaker_OpensAfterRepeatedFailures_SkipsTheDeployment_ThenProbesItBackIn()
    {
        var healthy = false;
        _primary.Handler = (context, _) => Volatile.Read(ref healthy)
            ? FakeResponses.WriteChatCompletionAsync(context)
            : FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"down","type":"server_error"}}""", StatusCodes.Status500InternalServerError);
        await using var server = await StartAsync("""{ "Retries": 0, "BreakerFailureRatio": 0.5, "BreakerMinimumThroughput": 2, "BreakerSamplingSeconds": 30, "BreakerBreakSeconds": 10 }""");
        using var client = server.CreateClient();

        async Task<(string Deployment, string? Failed)> CallAsync()
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Request), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var failed = response.Headers.TryGetValues("x-gatehouse-failed-attempts", out var values) ? values.Single() : null;
            return (response.Headers.GetValues("x-gatehouse-deployment").Single(), failed);
        }

        // Two failures in the window: the second opens the breaker (both calls still answered by the fallback).
        Assert.Equal(("sim-small", "primary:upstream_error"), await CallAsync());
        Assert.Equal(("sim-small", "primary:upstream_error"), await CallAsync());
        Assert.Equal(2, _primary.Received.Count);

        // Open: the primary is not called at all, and /api/status says so.
        Assert.Equal(("sim-small", "primary:circuit_open"), await CallAsync());
        Assert.Equal(2, _primary.Received.Count);
        Assert.Equal("open", await CircuitOfAsync(client, "primary"));

        // The primary recovers; after the break one probe goes through and closes the breaker.
        Volatile.Write(ref healthy, true);
        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(("primary", null), await CallAsync());
        Assert.Equal(("primary", null), await CallAsync());
        Assert.Equal(4, _primary.Received.Count);
        Assert.Equal("closed", await CircuitOfAsync(client, "primary"));
    }

    private static async Task<string?> CircuitOfAsync(HttpClient admin, string deployment)
    {
        var status = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync("api/status", Ct)).RootElement;
        return status.GetProperty("deployments").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == deployment).GetProperty("circuit").GetString();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(20, Ct);
        }

        Assert.True(condition());
    }
}
