using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Anthropic.Inbound;
using Gatehouse.Tests.Anthropic.Upstream;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Anthropic;

/// <summary><c>POST /v1/messages</c> on the wire, as Anthropic's SDKs speak it, against every kind of deployment.</summary>
public sealed class MessagesEndpointTests : IAsyncLifetime
{
    private FakeUpstream _openAI = null!;
    private FakeAnthropic _anthropic = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _openAI = await FakeUpstream.StartAsync();
        _anthropic = await FakeAnthropic.StartAsync();
        _server = await GatehouseServer.StartAsync(FakeAnthropic.ThreeBackendConfig(_openAI, _anthropic));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _anthropic.DisposeAsync();
        await _openAI.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string body, string path = "v1/messages", string? key = GatehouseServer.MasterKey)
    {
        using var client = _server.CreateClient(key: null);
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", key);
        }

        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        var response = await client.PostAsync(path, GatehouseServer.Json(body), Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response);
    }

    [Fact]
    public async Task Simulator_PlainMessage_HasAnthropicShape_AndIsRecorded()
    {
        var (status, body, response) = await PostAsync("""{"model":"sim-small","max_tokens":40,"system":"Be brief.","messages":[{"role":"user","content":"Hello"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var message = JsonDocument.Parse(body).RootElement;
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("sim-small", message.GetProperty("model").GetString());
        Assert.StartsWith("msg_", message.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("text", message.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.True(message.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        Assert.True(response.Headers.Contains("x-gatehouse-request-id"));

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("messages", record.Endpoint);
        Assert.Equal("sim-small", record.RequestedModel);
        Assert.True(record.CostUsd > 0);
    }

    [Fact]
    public async Task Simulator_Streaming_EmitsAnthropicEventSequence()
    {
        var (status, body, _) = await PostAsync("""{"model":"sim-small","max_tokens":30,"stream":true,"messages":[{"role":"user","content":"Tell me a story"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var events = Events(body).Select(e => e.Event).ToArray();
        Assert.Equal("message_start", events[0]);
        Assert.Equal("content_block_start", events[1]);
        Assert.Contains("content_block_delta", events);
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], events[^3..]);
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.True(record.Streamed);
        Assert.True(record.OutputTokens > 0);
    }

    [Fact]
    public async Task Simulator_ForcedTool_Streamed_GivesToolUseWithJsonDeltas()
    {
        var (status, body, _) = await PostAsync("""
            {"model":"sim-small","max_tokens":200,"stream":true,
             "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
             "tool_choice":{"type":"tool","name":"get_weather"},
             "messages":[{"role":"user","content":"Weather in Oslo?"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var events = Events(body);
        var start = events.First(e => e.Event == "content_block_start" && e.Data.Contains("tool_use", StringComparison.Ordinal));
        Assert.Contains("get_weather", start.Data, StringComparison.Ordinal);
        var json = string.Concat(events.Where(e => e.Data.Contains("input_json_delta", StringComparison.Ordinal))
            .Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("delta").GetProperty("partial_json").GetString()));
        Assert.True(JsonDocument.Parse(json).RootElement.TryGetProperty("city", out _));
        var delta = events.Single(e => e.Event == "message_delta");
        Assert.Equal("tool_use", JsonDocument.Parse(delta.Data).RootElement.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task OpenAIUpstream_UsageWithCachedTokens_MapsToAnthropicUsage()
    {
        var (status, body, _) = await PostAsync("""{"model":"fake-model","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var usage = JsonDocument.Parse(body).RootElement.GetProperty("usage");
        Assert.Equal(200, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(1000, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(300, usage.GetProperty("output_tokens").GetInt32());
        var sent = JsonDocument.Parse(Assert.Single(_openAI.Received).Body).RootElement;
        Assert.Equal("upstream-model", sent.GetProperty("model").GetString());
        Assert.Equal(100, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.00475m, Assert.Single(await _server.WaitForRecordsAsync(1)).CostUsd);
    }

    [Fact]
    public async Task AnthropicUpstream_IsPassedThroughNatively_BothWays()
    {
        const string request = """{"model":"claude","max_tokens":100,"system":[{"type":"text","text":"Long shared context","cache_control":{"type":"ephemeral"}}],"top_k":5,"messages":[{"role":"user","content":"hi"}]}""";
        var (status, body, _) = await PostAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(FakeAnthropic.Message, body); // byte for byte
        // Only the model changed: Anthropic-only fields (cache_control, top_k) reach the upstream.
        Assert.Equal(request.Replace("\"model\":\"claude\"", "\"model\":\"claude-up\"", StringComparison.Ordinal), Assert.Single(_anthropic.Received).Body);
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("messages", record.Endpoint);
        Assert.Equal(12, record.InputTokens);
        Assert.Equal(6, record.OutputTokens);
    }

    [Fact]
    public async Task AnthropicUpstream_NativeStream_PassesEventsThrough_AndMetersCacheTokens()
    {
        _anthropic.Handler = context => FakeAnthropic.WriteEventsAsync(context, AnthropicEvents.TextThenTool);
        var (status, body, _) = await PostAsync("""{"model":"claude","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(AnthropicEvents.Sse(AnthropicEvents.TextThenTool), body);
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(2572, record.InputTokens);
        Assert.Equal(2000, record.CachedInputTokens);
        Assert.Equal(100, record.CacheWriteInputTokens);
        Assert.Equal(89, record.OutputTokens);
        Assert.Null(record.ErrorClass);
    }

    [Fact]
    public async Task AnthropicUpstream_NativeStreamCut_EndsWithOneErrorEvent()
    {
        _anthropic.Handler = context => FakeAnthropic.WriteEventsAsync(context, AnthropicEvents.TextThenTool.Take(8));
        var (text, endedCleanly) = await SseReader.PostAsync(_server, """{"model":"claude","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", "v1/messages");

        Assert.False(endedCleanly);
        var events = Events(text);
        Assert.Equal("error", events[^1].Event);
        Assert.Single(events, e => e.Event == "error");
        Assert.DoesNotContain(events, e => e.Event == "message_stop");
        Assert.Equal("upstream_stream_interrupted", Assert.Single(await _server.WaitForRecordsAsync(1)).ErrorClass);
    }

    [Fact]
    public async Task AnthropicUpstream_NativeOverloaded_IsPassedOnAsAnthropicSaidIt()
    {
        const string overloaded = """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""";
        _anthropic.Handler = context => FakeAnthropic.WriteJsonAsync(context, 529, overloaded);
        var (status, body, _) = await PostAsync("""{"model":"claude","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(529, (int)status);
        Assert.Equal(overloaded, body);
        Assert.Equal("upstream_overloaded", Assert.Single(await _server.WaitForRecordsAsync(1)).ErrorClass);
    }

    public static TheoryData<string, string?, int, string> Errors => new()
    {
        { """{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}""", GatehouseServer.MasterKey, 400, "invalid_request_error" },
        { """{"model":"sim-small","max_tokens":10,"messages":[]}""", GatehouseServer.MasterKey, 400, "invalid_request_error" },
        { "{oops", GatehouseServer.MasterKey, 400, "invalid_request_error" },
        { """{"model":"nope","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", GatehouseServer.MasterKey, 404, "not_found_error" },
        { """{"model":"sim-small","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", "sk-gh-wrong", 401, "authentication_error" },
        { """{"model":"sim-small","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", null, 401, "authentication_error" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Errors_HaveAnthropicShapeAndStatus(string body, string? key, int status, string type)
    {
        var (actual, text, _) = await PostAsync(body, key: key);

        Assert.Equal(status, (int)actual);
        var error = JsonDocument.Parse(text).RootElement;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(type, error.GetProperty("error").GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("error").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task UpstreamRateLimit_IsAnthropicRateLimitError()
    {
        _openAI.Handler = async (context, _) =>
        {
            context.Response.Headers.RetryAfter = "2";
            await FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}""", 429);
        };

        var (status, body, response) = await PostAsync("""{"model":"fake-model","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(429, (int)status);
        Assert.Equal("rate_limit_error", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("2", response.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task StreamCut_GivesAnthropicErrorEvent_NoMessageStop()
    {
        _openAI.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents(includeUsage: false, terminate: false).Take(3));
        var (text, endedCleanly) = await SseReader.PostAsync(_server, """{"model":"fake-model","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", "v1/messages");

        Assert.False(endedCleanly);
        var events = Events(text);
        Assert.Equal("error", events[^1].Event);
        Assert.DoesNotContain(events, e => e.Event == "message_stop");
        Assert.Single(events, e => e.Event == "error");
        Assert.Equal("upstream_stream_interrupted", Assert.Single(await _server.WaitForRecordsAsync(1)).ErrorClass);
    }

    private static List<(string Event, string Data)> Events(string sse) => [.. AnthropicSse.Parse(sse).Select(e => (e.Event, e.Data.ToJsonString()))];

    [Fact]
    public async Task CountTokens_EstimatesPromptTokens()
    {
        var (status, body, _) = await PostAsync("""{"model":"sim-small","system":"You are helpful.","messages":[{"role":"user","content":"Hello, world!"}]}""", "v1/messages/count_tokens");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("input_tokens").GetInt32() > 4);

        var (unknown, _, _) = await PostAsync("""{"model":"nope","messages":[{"role":"user","content":"hi"}]}""", "v1/messages/count_tokens");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }
}
