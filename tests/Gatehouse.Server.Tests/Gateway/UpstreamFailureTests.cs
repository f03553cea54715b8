using System.ClientModel;
using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>Upstream failures arrive as the OpenAI SDK's typed errors with the right status, and each leaves a classified record.</summary>
public sealed class UpstreamFailureTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _server = await GatehouseServer.StartAsync(_upstream.Config(timeoutSeconds: 1));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ChatClient Chat => Sdk.OpenAI(_server).GetChatClient("fake-model");

    public static TheoryData<int, string, int, string> ErrorMappings => new()
    {
        { 429, """{"error":{"message":"Slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}""", 429, "upstream_rate_limited" },
        { 400, """{"error":{"message":"Bad temperature","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}""", 400, "invalid_value" },
        { 404, """{"error":{"message":"No such model","type":"invalid_request_error","param":"model","code":"model_not_found"}}""", 404, "model_not_found" },
        { 422, """{"error":{"message":"Unprocessable","type":"invalid_request_error","param":null,"code":null}}""", 422, "invalid_request_error" },
        { 401, """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""", 502, "upstream_auth_failed" },
        { 500, """{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}""", 502, "upstream_error" },
        { 500, "Internal Server Error", 502, "upstream_error" },
        { 503, "Service Unavailable", 503, "upstream_overloaded" },
    };

    [Theory]
    [MemberData(nameof(ErrorMappings))]
    public async Task UpstreamError_MapsToSdkStatus_AndRecordsClass(int upstreamStatus, string upstreamBody, int expectedStatus, string expectedClass)
    {
        _upstream.Handler = async (context, _) =>
        {
            if (upstreamStatus == 429)
            {
                context.Response.Headers.RetryAfter = "3";
            }

            await FakeResponses.WriteChatCompletionAsync(context, upstreamBody, upstreamStatus);
        };

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(expectedStatus, error.Status);
        var raw = error.GetRawResponse()!;
        using var body = JsonDocument.Parse(raw.Content.ToString());
        Assert.True(body.RootElement.GetProperty("error").TryGetProperty("message", out _));
        if (upstreamStatus == 429)
        {
            Assert.True(raw.Headers.TryGetValue("Retry-After", out var retryAfter));
            Assert.Equal("3", retryAfter);
        }

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(expectedStatus, record.StatusCode);
        Assert.Equal(expectedClass, record.ErrorClass);
        Assert.Equal(0m, record.CostUsd);
    }

    [Fact]
    public async Task UpstreamAuthFailure_NeverLeaksAs401ToClient()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"bad key"}}""", 401);
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        Assert.Equal(502, error.Status);
        Assert.DoesNotContain("sk-upstream-secret", error.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamTimeout_Is504_AndRecordedAsTimeout()
    {
        _upstream.Handler = async (context, _) => await Task.Delay(Timeout.Infinite, context.RequestAborted);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(504, error.Status);
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("upstream_timeout", record.ErrorClass);
        Assert.Equal(504, record.StatusCode);
    }

    [Fact]
    public async Task MalformedUpstreamBody_Is502()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"id": "chatcmpl-1", "choices": [""");
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        Assert.Equal(502, error.Status);
        Assert.Equal("upstream_malformed_response", Assert.Single(await _server.WaitForRecordsAsync(1)).ErrorClass);
    }

    [Fact]
    public async Task StreamCutBeforeTerminator_ClientGetsErrorEvent_NotCleanEnd()
    {
        _upstream.Handler = async (context, _) =>
        {
            await FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents(includeUsage: false, terminate: false).Take(3));
            await Task.Delay(200, context.RequestAborted); // let the events reach Gatehouse before the reset
            context.Abort();
        };

        var (text, endedCleanly) = await SseReader.PostAsync(_server, """{"model":"fake-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.False(endedCleanly);
        Assert.Contains("\"content\":\"Hello\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("data: [DONE]", text, StringComparison.Ordinal);
        Assert.Contains("data: {\"error\":{", text, StringComparison.Ordinal);
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("upstream_stream_interrupted", record.ErrorClass);
        Assert.True(record.UsageEstimated);
    }

    [Fact]
    public async Task StreamCut_ThroughSdk_SurfacesAsException()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents(includeUsage: false, terminate: false).Take(2));

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: Ct))
            {
                _ = update;
            }
        });
    }

    [Fact]
    public async Task UnreachableUpstream_Is502()
    {
        await using var gatehouse = await GatehouseServer.StartAsync("""
            { "Gatehouse": { "Providers": { "down": { "BaseUrl": "http://127.0.0.1:9/v1" } },
              "Deployments": { "d": { "Provider": "down", "Model": "m", "PriceAs": "gpt-4o" } },
              "Models": { "down-model": { "Deployments": [ "d" ] } } } }
            """);
        using var client = gatehouse.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"down-model","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("upstream_unreachable", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamedUpstreamError_BeforeFirstByte_IsOrdinaryError()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"boom","type":"server_error"}}""", StatusCodes.Status500InternalServerError);
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"fake-model","stream":true,"messages":[{"role":"user","content":"hi"}]}"""), Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }
}
