using System.Text.Json;
using Anthropic.Models.Messages;
using Gatehouse.AnthropicSdkTests.Support;
using Json.Schema;
using Xunit;

namespace Gatehouse.AnthropicSdkTests;

/// <summary>The official Anthropic SDK against Gatehouse's built-in simulator (<c>sim-small</c>, zero latency).</summary>
public sealed class SimulatorThroughAnthropicSdkTests : SdkTestBase
{
    [Fact]
    public async Task PlainMessage_HasText_Usage_EndTurn_AndIsRecorded()
    {
        using var client = Client();

        var message = await client.Messages.Create(Params(Simulator, "Hello there", maxTokens: 1024), Ct);

        Assert.StartsWith("msg_", message.ID, StringComparison.Ordinal);
        Assert.Equal("sim-small", message.Model.Raw());
        Assert.False(string.IsNullOrWhiteSpace(Text(message)));
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        Assert.True(message.Usage.InputTokens > 0);
        Assert.True(message.Usage.OutputTokens > 0);

        var record = await SingleMessagesRecordAsync();
        Assert.Equal(200, record.StatusCode);
        Assert.Equal("sim-small", record.RequestedModel);
        Assert.Equal(message.Usage.OutputTokens, record.OutputTokens);
        Assert.False(record.Streamed);
    }

    [Fact]
    public async Task PlainMessage_CappedByMaxTokens_StopsWithMaxTokens()
    {
        using var client = Client();

        var message = await client.Messages.Create(Params(Simulator, "Tell me a long story", maxTokens: 8), Ct);

        Assert.Equal(StopReason.MaxTokens, message.StopReason!.Value());
        Assert.InRange(message.Usage.OutputTokens, 1, 8);
        Assert.Equal("messages", (await SingleMessagesRecordAsync()).Endpoint);
    }

    [Fact]
    public async Task Streaming_TextDeltasConcatenateToTheAggregatedMessage_WithFinalUsage()
    {
        using var client = Client();

        var (events, message) = await StreamAsync(client, Params(Simulator, "Tell me a story", maxTokens: 1024));

        Assert.True(events[0].TryPickStart(out var start));
        Assert.StartsWith("msg_", start!.Message.ID, StringComparison.Ordinal);
        Assert.True(events[^1].TryPickStop(out _));
        var deltas = TextDeltas(events);
        Assert.True(deltas.Length > 20, deltas);
        Assert.Equal(deltas, Text(message));
        var messageDelta = Assert.Single(events.Select(e => e.TryPickDelta(out var d) ? d : null).OfType<RawMessageDeltaEvent>());
        Assert.Equal(StopReason.EndTurn, messageDelta.Delta.StopReason!.Value());
        Assert.True(messageDelta.Usage.OutputTokens > 0);
        Assert.Equal(messageDelta.Usage.OutputTokens, message.Usage.OutputTokens);

        var record = await SingleMessagesRecordAsync();
        Assert.True(record.Streamed);
        Assert.Equal(messageDelta.Usage.OutputTokens, record.OutputTokens);
    }

    [Fact]
    public async Task ForcedTool_ReturnsToolUse_WhoseInputIsValidForTheInputSchema()
    {
        using var client = Client();
        var parameters = Params(Simulator, "What's the weather in Oslo?") with
        {
            Tools = [WeatherTool("get_time"), WeatherTool()],
            ToolChoice = new ToolChoiceTool("get_weather"),
        };

        var message = await client.Messages.Create(parameters, Ct);

        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
        var tool = SingleToolUse(message);
        Assert.Equal("get_weather", tool.Name);
        Assert.False(string.IsNullOrEmpty(tool.ID));
        var input = ToJson(tool.Input);
        Assert.True(JsonSchema.FromText(WeatherSchema).Evaluate(input).IsValid, input.GetRawText());
        Assert.Equal("messages", (await SingleMessagesRecordAsync()).Endpoint);
    }

    [Fact]
    public async Task ForcedTool_Streamed_InputJsonDeltasFormValidInput_AndAggregateToToolUse()
    {
        using var client = Client();
        var parameters = Params(Simulator, "What's the weather in Oslo?") with
        {
            Tools = [WeatherTool()],
            ToolChoice = new ToolChoiceTool("get_weather"),
        };

        var (events, message) = await StreamAsync(client, parameters);

        var start = Assert.Single(events.Select(e => e.TryPickContentBlockStart(out var s) && s.ContentBlock.TryPickToolUse(out _) ? s : null).OfType<RawContentBlockStartEvent>());
        Assert.True(start.ContentBlock.TryPickToolUse(out var started));
        Assert.Equal("get_weather", started!.Name);
        var json = InputJsonDeltas(events, start.Index);
        var streamedInput = JsonDocument.Parse(json).RootElement;
        Assert.True(JsonSchema.FromText(WeatherSchema).Evaluate(streamedInput).IsValid, json);

        var tool = SingleToolUse(message);
        Assert.Equal(started.ID, tool.ID);
        Assert.True(JsonElement.DeepEquals(streamedInput, ToJson(tool.Input)), ToJson(tool.Input).GetRawText());
        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
        Assert.True((await SingleMessagesRecordAsync()).Streamed);
    }

    [Fact]
    public async Task CountTokens_IsPositive_AndCountsTheSystemPrompt()
    {
        using var client = Client();
        var without = new MessageCountTokensParams { Model = Simulator, Messages = [new UserMessageParam("Hello, world!")] };
        var with = without with { System = "You are a helpful assistant who answers in exactly three short sentences." };

        var bare = await client.Messages.CountTokens(without, Ct);
        var withSystem = await client.Messages.CountTokens(with, Ct);

        Assert.True(bare.InputTokens > 0);
        Assert.True(withSystem.InputTokens > bare.InputTokens + 5, $"{withSystem.InputTokens} vs {bare.InputTokens}");
    }
}
