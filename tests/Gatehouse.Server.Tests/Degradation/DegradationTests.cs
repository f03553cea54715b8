using System.Net;
using System.Text.Json;
using Gatehouse.Hosting;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Degradation;

/// <summary>
/// Service levels on real servers: the alias <c>resilient</c> = [primary (a fake upstream, priced as
/// gpt-4o), sim-small (the simulator, cheaper)]. Breaker time runs on a FakeTimeProvider.
/// </summary>
public sealed class DegradationTests : IAsyncLifetime
{
    private const string Request = """{"model":"resilient","messages":[{"role":"user","content":"hi"}]}""";
    private const string StreamRequest = """{"model":"resilient","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeUpstream _primary = null!;

    public async ValueTask InitializeAsync() => _primary = await FakeUpstream.StartAsync();

    public async ValueTask DisposeAsync() => await _primary.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<GatehouseServer> StartAsync(string primarySettings = "", string? dataDirectory = null, string extra = "") => GatehouseServer.StartAsync(
        _primary.FallbackConfig("resilient", primarySettings).Replace("} } } }", $"}} }}{extra} }} }}", StringComparison.Ordinal),
        dataDirectory,
        configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(PolicyClock.ServiceKey, _clock));

    private static async Task<JsonElement> DegradationAsync(HttpClient client)
    {
        using var status = JsonDocument.Parse(await client.GetStringAsync("api/status", Ct));
        return status.RootElement.GetProperty("degradation").Clone();
    }

    private static async Task PinAsync(HttpClient client, string level)
    {
        using var response = await client.PutAsync("api/degradation", GatehouseServer.Json($$"""{"level":"{{level}}","reason":"test"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body) =>
        client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);

    [Fact]
    public async Task OperatorPinsALevel_ItShowsInStatus_SurvivesARestart_AndCanBeHandedBack()
    {
        var data = TempDirectory.Create();
        await using (var server = await StartAsync(dataDirectory: data))
        {
            using var client = server.CreateClient();
            Assert.Equal("full", (await DegradationAsync(client)).GetProperty("level").GetString());

            await PinAsync(client, "basic");
            var pinned = await DegradationAsync(client);
            Assert.Equal("basic", pinned.GetProperty("level").GetString());
            Assert.Equal("operator", pinned.GetProperty("source").GetString());
            Assert.Equal("test", pinned.GetProperty("reason").GetString());
        }

        await using (var restarted = await StartAsync(dataDirectory: data))
        {
            using var client = restarted.CreateClient();
            Assert.Equal("basic", (await DegradationAsync(client)).GetProperty("level").GetString());

            using var handBack = await client.DeleteAsync("api/degradation", Ct);
            Assert.Equal(HttpStatusCode.OK, handBack.StatusCode);
            var automatic = await DegradationAsync(client);
            Assert.Equal("full", automatic.GetProperty("level").GetString());
            Assert.Equal("automatic", automatic.GetProperty("source").GetString());
        }
    }

    [Theory]
    [InlineData("""{"level":"panic"}""")]
    [InlineData("""{"level":"2"}""")]
    [InlineData("""{}""")]
    public async Task AnInvalidLevel_IsAValidationProblem_AndChangesNothing(string body)
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var response = await client.PutAsync("api/degradation", GatehouseServer.Json(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("level", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("full", (await DegradationAsync(client)).GetProperty("level").GetString());
    }

    [Fact]
    public async Task OnlyTheAdminMayChangeTheLevel()
    {
        await using var server = await StartAsync();
        using var anonymous = server.CreateClient(key: null);
        using var response = await anonymous.PutAsync("api/degradation", GatehouseServer.Json("""{"level":"emergency"}"""), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Degraded_ServesFromTheCacheForEveryModel_UnlessTheCallOptsOut()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();
        await PinAsync(client, "degraded");

        using var first = await PostAsync(client, Request);
        using var second = await PostAsync(client, Request);
        Assert.Equal("miss", first.Headers.GetValues("x-gatehouse-cache-status").Single());
        Assert.Equal("hit", second.Headers.GetValues("x-gatehouse-cache-status").Single());
        Assert.Single(_primary.Received);

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = GatehouseServer.Json(Request) };
        request.Headers.Add("x-gatehouse-cache", "off");
        using var optedOut = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, optedOut.StatusCode);
        Assert.Equal(2, _primary.Received.Count);
    }

    [Fact]
    public async Task Degraded_SkipsRetries_AndFallsBackAtOnce()
    {
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(
            context, """{"error":{"message":"down","type":"server_error"}}""", StatusCodes.Status500InternalServerError);
        await using var server = await StartAsync(""", "Resilience": { "Retries": 2, "RetryDelaySeconds": 0.01, "BreakerFailureRatio": 0 }""");
        using var client = server.CreateClient();
        await PinAsync(client, "degraded");

        using var response = await PostAsync(client, Request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sim-small", response.Headers.GetValues("x-gatehouse-deployment").Single());
        Assert.Single(_primary.Received);
        Assert.Equal("primary:upstream_error", response.Headers.GetValues("x-gatehouse-failed-attempts").Single());
    }

    [Fact]
    public async Task Basic_UsesOnlyTheCheapestHealthyDeployment_AndRefusesUncachedStreams()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        // Stored while the service is full, a streamed answer is still served at "basic".
        var (storedStream, _) = await SseReader.PostAsync(server, StreamRequest.Replace("\"stream\"", "\"temperature\":0,\"stream\"", StringComparison.Ordinal), "v1/chat/completions");
        await PinAsync(client, "degraded");
        var (_, _) = await SseReader.PostAsync(server, StreamRequest);
        await PinAsync(client, "basic");

        using var plain = await PostAsync(client, Request.Replace("hi", "hello", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("sim-small", plain.Headers.GetValues("x-gatehouse-deployment").Single());

        var (cached, cleanly) = await SseReader.PostAsync(server, StreamRequest);
        Assert.True(cleanly);
        Assert.Contains("data: [DONE]", cached, StringComparison.Ordinal);

        using var uncachedStream = await PostAsync(client, StreamRequest.Replace("hi", "something new", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, uncachedStream.StatusCode);
        Assert.NotNull(uncachedStream.Headers.RetryAfter);
        using var error = JsonDocument.Parse(await uncachedStream.Content.ReadAsStringAsync(Ct));
        Assert.Equal("service_degraded", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("'basic'", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emergency_ServesCachedAnswersOnly_ElseAClear503()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();
        await PinAsync(client, "degraded");
        using var stored = await PostAsync(client, Request);
        await PinAsync(client, "emergency");
        var upstreamCalls = _primary.Received.Count;

        using var cached = await PostAsync(client, Request);
        using var uncached = await PostAsync(client, Request.Replace("hi", "anything else", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        Assert.Equal("hit", cached.Headers.GetValues("x-gatehouse-cache-status").Single());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, uncached.StatusCode);
        using (var error = JsonDocument.Parse(await uncached.Content.ReadAsStringAsync(Ct)))
        {
            Assert.Contains("'emergency'", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(upstreamCalls, _primary.Received.Count);

        var records = await server.WaitForRecordsAsync(3);
        var refused = Assert.Single(records, r => r.StatusCode == 503);
        Assert.Equal("service_degraded", refused.ErrorClass);
        Assert.Null(refused.Deployment);
    }

    [Fact]
    public async Task TheLevelFollowsTheBreakers_DownWhenADeploymentFails_BackUpWhenItRecovers()
    {
        var healthy = false;
        _primary.Handler = (context, _) => Volatile.Read(ref healthy)
            ? FakeResponses.WriteChatCompletionAsync(context)
            : FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"down","type":"server_error"}}""", StatusCodes.Status500InternalServerError);
        await using var server = await StartAsync(
            """, "Resilience": { "BreakerFailureRatio": 0.5, "BreakerMinimumThroughput": 2, "BreakerSamplingSeconds": 30, "BreakerBreakSeconds": 10 }""",
            extra: """, "Degradation": { "DegradedAt": 0.15, "BasicAt": 0.4, "EmergencyAt": 1 }""");
        using var client = server.CreateClient();

        // Two failures open the primary's breaker: one deployment in six (primary and the five defaults) is out of rotation.
        for (var i = 0; i < 2; i++)
        {
            using var answered = await PostAsync(client, Request);
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(1.5));
        var down = await DegradationAsync(client);
        Assert.Equal("degraded", down.GetProperty("level").GetString());
        Assert.Equal("automatic", down.GetProperty("source").GetString());
        Assert.Equal(1, down.GetProperty("deploymentsOutOfRotation").GetInt32());

        // The primary recovers; after the break a probe closes its breaker and the level comes back up.
        Volatile.Write(ref healthy, true);
        _clock.Advance(TimeSpan.FromSeconds(11));
        using (var probe = await PostAsync(client, Request.Replace("hi", "probe", StringComparison.Ordinal)))
        {
            Assert.Equal("primary", probe.Headers.GetValues("x-gatehouse-deployment").Single());
        }

        _clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal("full", (await DegradationAsync(client)).GetProperty("level").GetString());
    }
}
