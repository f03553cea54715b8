using System.Text.Json;
using Anthropic.Exceptions;
using Anthropic.Models;
using Anthropic.Models.Messages;
using Gatehouse.AnthropicSdkTests.Support;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.AnthropicSdkTests;

/// <summary>The official Anthropic SDK against Gatehouse, routed to a fake OpenAI-compatible upstream (<c>fake-model</c>).</summary>
public sealed class OpenAIUpstreamThroughAnthropicSdkTests : SdkTestBase
{
    [Fact]
    public async Task PlainMessage_TextAndAnthropicUsage_FromTheUpstreamCompletion()
    {
        using var client = Client();

        var message = await client.Messages.Create(Params(OpenAIModel, "hi", maxTokens: 100), Ct);

        Assert.Equal("Hello from the fake upstream.", Text(message));
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        // Upstream: prompt 1200 of which 1000 cached, completion 300. Anthropic's input_tokens excludes cache reads.
        Assert.Equal(200, message.Usage.InputTokens);
        Assert.Equal(1000, message.Usage.CacheReadInputTokens);
        Assert.Equal(300, message.Usage.OutputTokens);

        var sent = JsonDocument.Parse(Assert.Single(OpenAIUpstream.Received).Body).RootElement;
        Assert.Equal("upstream-model", sent.GetProperty("model").GetString());
        var record = await SingleMessagesRecordAsync();
        Assert.Equal("fake-model", record.RequestedModel);
        Assert.Equal(1200, record.InputTokens);
        Assert.Equal(300, record.OutputTokens);
    }

    [Fact]
    public async Task Streaming_TextDeltasConcatenate_FinalUsageFromTheUsageChunk()
    {
        OpenAIUpstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents());
        using var client = Client();

        var (events, message) = await StreamAsync(client, Params(OpenAIModel, "hi", maxTokens: 100));

        Assert.Equal("Hello world", TextDeltas(events));
        Assert.Equal("Hello world", Text(message));
        Assert.True(events[^1].TryPickStop(out _));
        var messageDelta = Assert.Single(events.Select(e => e.TryPickDelta(out var d) ? d : null).OfType<RawMessageDeltaEvent>());
        Assert.Equal(StopReason.EndTurn, messageDelta.Delta.StopReason!.Value());
        Assert.Equal(2, messageDelta.Usage.OutputTokens);
        Assert.Equal(2, message.Usage.OutputTokens);

        var sent = JsonDocument.Parse(Assert.Single(OpenAIUpstream.Received).Body).RootElement;
        Assert.True(sent.GetProperty("stream").GetBoolean());
        var record = await SingleMessagesRecordAsync();
        Assert.True(record.Streamed);
        Assert.Equal(20, record.InputTokens);
        Assert.Equal(2, record.OutputTokens);
    }

    [Fact]
    public async Task SystemPrompt_ReachesTheUpstreamAsTheFirstSystemMessage()
    {
        using var client = Client();

        await client.Messages.Create(Params(OpenAIModel, "hi") with { System = "Be brief." }, Ct);

        var messages = JsonDocument.Parse(Assert.Single(OpenAIUpstream.Received).Body).RootElement.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("Be brief.", messages[0].GetProperty("content").GetString());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        Assert.Equal("messages", (await SingleMessagesRecordAsync()).Endpoint);
    }

    [Fact]
    public async Task ForcedTool_IsSentAsAnOpenAIFunction_AndTheToolCallComesBackAsToolUse()
    {
        OpenAIUpstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, ToolFixtures.OpenAIToolCallCompletion);
        using var client = Client();

        var message = await client.Messages.Create(Params(OpenAIModel, "Weather in Paris?") with
        {
            Tools = [WeatherTool()],
            ToolChoice = new ToolChoiceTool("get_weather"),
        }, Ct);

        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
        var tool = SingleToolUse(message);
        Assert.Equal("call_Wx7Tq2", tool.ID);
        Assert.Equal("get_weather", tool.Name);
        Assert.Equal("Paris", tool.Input["city"].GetString());
        Assert.Equal("celsius", tool.Input["unit"].GetString());

        var sent = JsonDocument.Parse(Assert.Single(OpenAIUpstream.Received).Body).RootElement;
        var function = Assert.Single(sent.GetProperty("tools").EnumerateArray()).GetProperty("function");
        Assert.Equal("get_weather", function.GetProperty("name").GetString());
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(WeatherSchema).RootElement, function.GetProperty("parameters")), function.GetProperty("parameters").GetRawText());
        Assert.Equal("get_weather", sent.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("messages", (await SingleMessagesRecordAsync()).Endpoint);
    }

    [Fact]
    public async Task ToolCall_Streamed_BecomesToolUseWithInputJsonDeltas()
    {
        OpenAIUpstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, ToolFixtures.OpenAIToolCallChunks);
        using var client = Client();

        var (events, message) = await StreamAsync(client, Params(OpenAIModel, "Weather in Paris?") with { Tools = [WeatherTool()] });

        var start = Assert.Single(events.Select(e => e.TryPickContentBlockStart(out var s) && s.ContentBlock.TryPickToolUse(out _) ? s : null).OfType<RawContentBlockStartEvent>());
        var json = InputJsonDeltas(events, start.Index);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse("""{"city":"Paris","unit":"celsius"}""").RootElement, JsonDocument.Parse(json).RootElement), json);
        var tool = SingleToolUse(message);
        Assert.Equal("call_Wx7Tq2", tool.ID);
        Assert.Equal("Paris", tool.Input["city"].GetString());
        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
        Assert.Equal(17, message.Usage.OutputTokens);
        Assert.True((await SingleMessagesRecordAsync()).Streamed);
    }

    [Fact]
    public async Task UpstreamRateLimit_IsTheSdksRateLimitException_429()
    {
        OpenAIUpstream.Handler = async (context, _) =>
        {
            context.Response.Headers.RetryAfter = "2";
            await FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}""", 429);
        };
        using var client = Client();

        var ex = await Assert.ThrowsAsync<AnthropicRateLimitException>(() => client.Messages.Create(Params(OpenAIModel, "hi"), Ct));

        Assert.Equal(429, (int)ex.StatusCode);
        Assert.Equal(ErrorType.RateLimitError, ex.Type!.Value());
        Assert.Single(OpenAIUpstream.Received);
        var record = await SingleMessagesRecordAsync();
        Assert.Equal(429, record.StatusCode);
        Assert.Equal("upstream_rate_limited", record.ErrorClass);
    }

    [Fact]
    public async Task UpstreamServiceUnavailable_Is503OverloadedError()
    {
        OpenAIUpstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"busy","type":"server_error"}}""", 503);
        using var client = Client();

        var ex = await Assert.ThrowsAnyAsync<Anthropic5xxException>(() => client.Messages.Create(Params(OpenAIModel, "hi"), Ct));

        Assert.Equal(503, (int)ex.StatusCode);
        Assert.Equal(ErrorType.OverloadedError, ex.Type!.Value());
        Assert.Equal(503, (await SingleMessagesRecordAsync()).StatusCode);
    }
}
