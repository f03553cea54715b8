using System.ClientModel;
using System.Net;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>
/// A model alias with two deployments: a fake upstream first, the simulator second. The primary's
/// failures before the first byte hand over to the secondary; request errors and started streams do not.
/// </summary>
public sealed class FallbackTests : IAsyncLifetime
{
    private FakeUpstream _primary = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _primary = await FakeUpstream.StartAsync();
        _server = await GatehouseServer.StartAsync(_primary.FallbackConfig("resilient", primarySettings: ", \"TimeoutSeconds\": 1"));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _primary.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Request = """{"model":"resilient","messages":[{"role":"user","content":"hi"}]}""";
    private const string StreamRequest = """{"model":"resilient","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    public static TheoryData<string, int, string> FallbackCases => new()
    {
        { "server error", 500, "upstream_error" },
        { "overloaded", 503, "upstream_overloaded" },
        { "rate limited", 429, "upstream_rate_limited" },
        { "bad credentials", 401, "upstream_auth_failed" },
    };

    [Theory]
    [MemberData(nameof(FallbackCases))]
    public async Task PrimaryFails_SecondaryAnswers_AndBothAttemptsAreVisible(string name, int status, string errorClass)
    {
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"nope","type":"server_error"}}""", status);
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Request), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sim-small", response.Headers.GetValues("x-gatehouse-deployment").Single());
        Assert.Equal("2", response.Headers.GetValues("x-gatehouse-attempts").Single());
        Assert.Equal($"primary:{errorClass}", response.Headers.GetValues("x-gatehouse-failed-attempts").Single());
        Assert.False(response.Headers.Contains("Retry-After"), name);
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("sim-small", record.Deployment);
        Assert.Equal($"primary:{errorClass}", record.FailedAttempts);
        Assert.Null(record.ErrorClass);
        Assert.True(record.CostUsd > 0);
    }

    [Fact]
    public async Task PrimaryTimesOut_SecondaryAnswers()
    {
        _primary.Handler = async (context, _) => await Task.Delay(Timeout.Infinite, context.RequestAborted);
        ChatCompletion completion = await Sdk.OpenAI(_server).GetChatClient("resilient").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct);

        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.Equal("primary:upstream_timeout", Assert.Single(await _server.WaitForRecordsAsync(1)).FailedAttempts);
    }

    [Fact]
    public async Task RequestError_IsNeverRetriedElsewhere()
    {
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"bad temperature","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}""", StatusCodes.Status400BadRequest);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Sdk.OpenAI(_server).GetChatClient("resilient").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(400, error.Status);
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("primary", record.Deployment);
        Assert.Null(record.FailedAttempts);
    }

    [Fact]
    public async Task StreamFailingBeforeFirstEvent_FallsBack()
    {
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"busy","type":"server_error"}}""", StatusCodes.Status503ServiceUnavailable);

        var (text, endedCleanly) = await SseReader.PostAsync(_server, StreamRequest);

        Assert.True(endedCleanly);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        Assert.Equal("primary:upstream_overloaded", Assert.Single(await _server.WaitForRecordsAsync(1)).FailedAttempts);
    }

    [Fact]
    public async Task StreamCutAfterFirstEvent_IsNotRetried_ClientGetsError()
    {
        _primary.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents(includeUsage: false, terminate: false).Take(2));

        var (text, endedCleanly) = await SseReader.PostAsync(_server, StreamRequest);

        Assert.False(endedCleanly);
        Assert.Contains("upstream_stream_interrupted", text, StringComparison.Ordinal);
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("primary", record.Deployment);
        Assert.Equal("upstream_stream_interrupted", record.ErrorClass);
        Assert.Null(record.FailedAttempts);
    }

    [Fact]
    public async Task EveryDeploymentFails_LastErrorIsTheAnswer_AndAllAreRecorded()
    {
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"down","type":"server_error"}}""", 500);
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = GatehouseServer.Json(Request) };
        request.Headers.Add("x-gatehouse-sim-fault", "error");
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("sim-small", response.Headers.GetValues("x-gatehouse-deployment").Single());
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("primary:upstream_error, sim-small:upstream_error", record.FailedAttempts);
        Assert.Equal("upstream_error", record.ErrorClass);
    }

    [Fact]
    public async Task FallbackOffHeader_TriesOnlyTheFirstDeployment()
    {
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"down","type":"server_error"}}""", 500);
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = GatehouseServer.Json(Request) };
        request.Headers.Add("x-gatehouse-fallback", "off");
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("primary", response.Headers.GetValues("x-gatehouse-deployment").Single());
    }

    [Fact]
    public async Task StrategyHeader_OverridesTheAliasStrategyForOneCall()
    {
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = GatehouseServer.Json(Request) };
        request.Headers.Add("x-gatehouse-strategy", "cheapest");
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sim-small", response.Headers.GetValues("x-gatehouse-deployment").Single()); // priced as gpt-4o-mini, below the primary's gpt-4o
        Assert.Empty(_primary.Received);
    }

    [Theory]
    [InlineData("x-gatehouse-strategy", "fastest-please")]
    [InlineData("x-gatehouse-strategy", "7")]
    [InlineData("x-gatehouse-fallback", "maybe")]
    [InlineData("x-gatehouse-retries", "4")]
    [InlineData("x-gatehouse-retries", "-1")]
    [InlineData("x-gatehouse-retries", "two")]
    public async Task InvalidOverrideHeader_Is400NamingTheHeader(string header, string value)
    {
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = GatehouseServer.Json(Request) };
        request.Headers.Add(header, value);
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error");
        Assert.Equal("invalid_header", error.GetProperty("code").GetString());
        Assert.Equal(header, error.GetProperty("param").GetString());
        Assert.Empty(_primary.Received);
    }
}
