using System.Text.Json;
using Anthropic.Exceptions;
using Anthropic.Models;
using Anthropic.Models.Messages;
using Gatehouse.AnthropicSdkTests.Support;
using Gatehouse.Tests.Anthropic.Upstream;
using Xunit;

namespace Gatehouse.AnthropicSdkTests;

/// <summary>
/// The official Anthropic SDK against Gatehouse, routed to a fake Anthropic upstream (<c>claude</c>):
/// the request goes Anthropic → OpenAI → Anthropic and the answer back the same way.
/// </summary>
public sealed class AnthropicUpstreamThroughAnthropicSdkTests : SdkTestBase
{
    [Fact]
    public async Task PlainMessage_TextUsageAndStopReason_FromTheUpstreamMessage()
    {
        using var client = Client();

        var message = await client.Messages.Create(Params(AnthropicModel, "hi", maxTokens: 100), Ct);

        Assert.Equal("Hello from Claude.", Text(message));
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        Assert.Equal(12, message.Usage.InputTokens);
        Assert.Equal(6, message.Usage.OutputTokens);

        var sent = JsonDocument.Parse(Assert.Single(AnthropicUpstream.Received).Body).RootElement;
        Assert.Equal("claude-up", sent.GetProperty("model").GetString());
        Assert.Equal(100, sent.GetProperty("max_tokens").GetInt32());
        var record = await SingleMessagesRecordAsync();
        Assert.Equal("claude", record.RequestedModel);
        Assert.Equal(12, record.InputTokens);
        Assert.Equal(6, record.OutputTokens);
    }

    [Fact]
    public async Task Streaming_TextThenTool_TextDeltasConcatenate_AndToolUseHasTheStreamedInput()
    {
        AnthropicUpstream.Handler = context => FakeAnthropic.WriteEventsAsync(context, AnthropicEvents.TextThenTool);
        using var client = Client();

        var (events, message) = await StreamAsync(client, Params(AnthropicModel, "Weather in SF?") with { Tools = [WeatherTool()] });

        const string ExpectedText = "Okay, let's check the weather in \"SF\".";
        Assert.Equal(ExpectedText, TextDeltas(events));
        Assert.Equal(ExpectedText, Text(message));
        var start = Assert.Single(events.Select(e => e.TryPickContentBlockStart(out var s) && s.ContentBlock.TryPickToolUse(out _) ? s : null).OfType<RawContentBlockStartEvent>());
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse("""{"location":"San Francisco, CA"}""").RootElement, JsonDocument.Parse(InputJsonDeltas(events, start.Index)).RootElement));
        var tool = SingleToolUse(message);
        Assert.Equal("toolu_01T1x1fJ34qAmk2tNTrN7Up6", tool.ID);
        Assert.Equal("get_weather", tool.Name);
        Assert.Equal("San Francisco, CA", tool.Input["location"].GetString());
        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
        Assert.True(events[^1].TryPickStop(out _));

        // Passed through natively: message_delta carries what Anthropic sent (output 89); the input
        // counts came in message_start (472 uncached, 2,000 cache reads, 100 cache writes) and are metered.
        var usage = Assert.Single(events.Select(e => e.TryPickDelta(out var d) ? d : null).OfType<RawMessageDeltaEvent>()).Usage;
        Assert.Equal(89, usage.OutputTokens);

        var record = await SingleMessagesRecordAsync();
        Assert.True(record.Streamed);
        Assert.Equal(89, record.OutputTokens);
        Assert.Equal(2572, record.InputTokens);
        Assert.Equal(2000, record.CachedInputTokens);
        Assert.Equal(100, record.CacheWriteInputTokens);
    }

    [Fact]
    public async Task ToolUse_NonStreaming_ComesBackWithItsInput_AndTheToolReachedTheUpstream()
    {
        AnthropicUpstream.Handler = context => FakeAnthropic.WriteJsonAsync(context, 200, ToolFixtures.ClaudeToolUseMessage);
        using var client = Client();

        var message = await client.Messages.Create(Params(AnthropicModel, "Weather in SF?") with
        {
            Tools = [WeatherTool()],
            ToolChoice = new ToolChoiceTool("get_weather"),
        }, Ct);

        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
        Assert.Equal("Let me check.", Text(message));
        var tool = SingleToolUse(message);
        Assert.Equal("toolu_01A09q90qw90lq917835lq9", tool.ID);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse("""{"city":"San Francisco, CA","unit":"celsius"}""").RootElement, ToJson(tool.Input)));

        var sent = JsonDocument.Parse(Assert.Single(AnthropicUpstream.Received).Body).RootElement;
        var sentTool = Assert.Single(sent.GetProperty("tools").EnumerateArray());
        Assert.Equal("get_weather", sentTool.GetProperty("name").GetString());
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(WeatherSchema).RootElement, sentTool.GetProperty("input_schema")), sentTool.GetProperty("input_schema").GetRawText());
        Assert.Equal("tool", sent.GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.Equal("get_weather", sent.GetProperty("tool_choice").GetProperty("name").GetString());
        Assert.Equal("messages", (await SingleMessagesRecordAsync()).Endpoint);
    }

    [Fact]
    public async Task SystemPromptBlocks_ReachTheUpstreamAsItsSystem()
    {
        using var client = Client();

        await client.Messages.Create(Params(AnthropicModel, "hi") with
        {
            System = new List<TextBlockParam> { new() { Text = "Be brief." }, new() { Text = "Answer in French." } },
        }, Ct);

        var sent = JsonDocument.Parse(Assert.Single(AnthropicUpstream.Received).Body).RootElement;
        var system = sent.GetProperty("system");
        var text = system.ValueKind == JsonValueKind.String
            ? system.GetString()
            : string.Join("\n\n", system.EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        Assert.Equal("Be brief.\n\nAnswer in French.", text);
        Assert.All(sent.GetProperty("messages").EnumerateArray(), m => Assert.NotEqual("system", m.GetProperty("role").GetString()));
        Assert.Equal("messages", (await SingleMessagesRecordAsync()).Endpoint);
    }

    [Fact]
    public async Task UpstreamRateLimit_IsTheSdksRateLimitException_429()
    {
        AnthropicUpstream.Handler = context =>
        {
            context.Response.Headers.RetryAfter = "3";
            return FakeAnthropic.WriteJsonAsync(context, 429, """{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}""");
        };
        using var client = Client();

        var ex = await Assert.ThrowsAsync<AnthropicRateLimitException>(() => client.Messages.Create(Params(AnthropicModel, "hi"), Ct));

        Assert.Equal(429, (int)ex.StatusCode);
        Assert.Equal(ErrorType.RateLimitError, ex.Type!.Value());
        Assert.Equal(429, (await SingleMessagesRecordAsync()).StatusCode);
    }

    [Fact]
    public async Task Upstream529Overloaded_IsPassedOnNatively()
    {
        AnthropicUpstream.Handler = context => FakeAnthropic.WriteJsonAsync(context, 529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        using var client = Client();

        var ex = await Assert.ThrowsAnyAsync<Anthropic5xxException>(() => client.Messages.Create(Params(AnthropicModel, "hi"), Ct));

        // An Anthropic deployment is passed through natively, so the client sees Anthropic's own 529.
        Assert.IsType<AnthropicOverloadedException>(ex);
        Assert.Equal(529, (int)ex.StatusCode);
        Assert.Equal(ErrorType.OverloadedError, ex.Type!.Value());
        Assert.Single(AnthropicUpstream.Received);
        var record = await SingleMessagesRecordAsync();
        Assert.Equal(529, record.StatusCode);
    }
}
