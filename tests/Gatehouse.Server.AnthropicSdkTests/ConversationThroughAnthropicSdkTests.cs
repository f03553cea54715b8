using System.Text.Json;
using Anthropic.Models.Messages;
using Gatehouse.AnthropicSdkTests.Support;
using Gatehouse.Tests.Anthropic.Upstream;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.AnthropicSdkTests;

/// <summary>
/// A tool round trip as an SDK user writes it (ask, get a tool_use, answer with a tool_result) and
/// the request options the SDK sends, checked where they land: the fake upstream's request body.
/// </summary>
public sealed class ConversationThroughAnthropicSdkTests : SdkTestBase
{
    /// <summary>Turn 2 of the conversation: the first answer's tool_use echoed back, then its result.</summary>
    private static MessageCreateParams SecondTurn(ToolUseBlock tool) => Params(OpenAIModel, "What's the weather in Paris?") with
    {
        Tools = [WeatherTool()],
        Messages =
        [
            new UserMessageParam("What's the weather in Paris?"),
            new AssistantMessageParam(new List<ContentBlockParam>
            {
                new ToolUseBlockParam { ID = tool.ID, Name = tool.Name, Input = tool.Input },
            }),
            new UserMessageParam(new List<ContentBlockParam>
            {
                new ToolResultBlockParam(tool.ID) { Content = "18 degrees and sunny" },
            }),
        ],
    };

    [Fact]
    public async Task OpenAIUpstream_ToolRoundTrip_ToolUseAndToolResultBecomeToolCallsAndAToolMessage()
    {
        using var client = Client();
        OpenAIUpstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, ToolFixtures.OpenAIToolCallCompletion);
        var first = await client.Messages.Create(Params(OpenAIModel, "What's the weather in Paris?") with { Tools = [WeatherTool()] }, Ct);
        var tool = SingleToolUse(first);

        OpenAIUpstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context);
        var second = await client.Messages.Create(SecondTurn(tool), Ct);

        Assert.Equal("Hello from the fake upstream.", Text(second));
        var sent = JsonDocument.Parse(OpenAIUpstream.Received.ToArray()[1].Body).RootElement.GetProperty("messages");
        Assert.Equal(["user", "assistant", "tool"], sent.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var call = Assert.Single(sent[1].GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_Wx7Tq2", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement;
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse("""{"city":"Paris","unit":"celsius"}""").RootElement, arguments), arguments.GetRawText());
        Assert.Equal("call_Wx7Tq2", sent[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("18 degrees and sunny", ContentText(sent[2].GetProperty("content")));

        var records = await Server.WaitForRecordsAsync(2);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("messages", r.Endpoint));
    }

    [Fact]
    public async Task AnthropicUpstream_ToolRoundTrip_ReachesTheUpstreamAsToolUseAndToolResultBlocks()
    {
        using var client = Client();
        AnthropicUpstream.Handler = context => FakeAnthropic.WriteJsonAsync(context, 200, ToolFixtures.ClaudeToolUseMessage);
        var first = await client.Messages.Create(Params(AnthropicModel, "What's the weather in Paris?") with { Tools = [WeatherTool()] }, Ct);
        var tool = SingleToolUse(first);
        Assert.Equal("toolu_01A09q90qw90lq917835lq9", tool.ID);

        AnthropicUpstream.Handler = context => FakeAnthropic.WriteJsonAsync(context, 200, FakeAnthropic.Message);
        var second = await client.Messages.Create(SecondTurn(tool) with { Model = AnthropicModel }, Ct);

        Assert.Equal("Hello from Claude.", Text(second));
        var sent = JsonDocument.Parse(AnthropicUpstream.Received.ToArray()[1].Body).RootElement.GetProperty("messages");
        Assert.Equal(["user", "assistant", "user"], sent.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var toolUse = Assert.Single(sent[1].GetProperty("content").EnumerateArray(), b => b.GetProperty("type").GetString() == "tool_use");
        Assert.Equal(tool.ID, toolUse.GetProperty("id").GetString());
        Assert.Equal("get_weather", toolUse.GetProperty("name").GetString());
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse("""{"city":"San Francisco, CA","unit":"celsius"}""").RootElement, toolUse.GetProperty("input")), toolUse.GetRawText());
        var toolResult = Assert.Single(sent[2].GetProperty("content").EnumerateArray(), b => b.GetProperty("type").GetString() == "tool_result");
        Assert.Equal(tool.ID, toolResult.GetProperty("tool_use_id").GetString());
        Assert.Equal("18 degrees and sunny", ContentText(toolResult.GetProperty("content")));
    }

    [Fact]
    public async Task OpenAIUpstream_MaxTokensStopSequencesAndUser_ArePassedOn()
    {
        using var client = Client();

        await client.Messages.Create(Params(OpenAIModel, "hi", maxTokens: 321) with
        {
            StopSequences = ["END", "STOP"],
            Metadata = new Metadata { UserID = "user-42" },
        }, Ct);

        var sent = JsonDocument.Parse(Assert.Single(OpenAIUpstream.Received).Body).RootElement;
        Assert.Equal(321, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal(["END", "STOP"], sent.GetProperty("stop").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("user-42", sent.GetProperty("user").GetString());
    }

    public static TheoryData<string, string> ToolChoices => new()
    {
        { "auto", "\"auto\"" },
        { "any", "\"required\"" },
        { "none", "\"none\"" },
        { "tool", """{"type":"function","function":{"name":"get_weather"}}""" },
    };

    [Theory]
    [MemberData(nameof(ToolChoices))]
    public async Task OpenAIUpstream_ToolChoice_IsTranslated(string choice, string expected)
    {
        using var client = Client();
        ToolChoice toolChoice = choice switch
        {
            "auto" => new ToolChoiceAuto(),
            "any" => new ToolChoiceAny(),
            "none" => new ToolChoiceNone(),
            _ => new ToolChoiceTool("get_weather"),
        };

        await client.Messages.Create(Params(OpenAIModel, "hi") with { Tools = [WeatherTool()], ToolChoice = toolChoice }, Ct);

        var sent = JsonDocument.Parse(Assert.Single(OpenAIUpstream.Received).Body).RootElement;
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(expected).RootElement, sent.GetProperty("tool_choice")), sent.GetProperty("tool_choice").GetRawText());
    }

    [Fact]
    public async Task OpenAIUpstream_DisableParallelToolUse_BecomesParallelToolCallsFalse()
    {
        using var client = Client();

        await client.Messages.Create(Params(OpenAIModel, "hi") with { Tools = [WeatherTool()], ToolChoice = new ToolChoiceAuto { DisableParallelToolUse = true } }, Ct);

        var sent = JsonDocument.Parse(Assert.Single(OpenAIUpstream.Received).Body).RootElement;
        Assert.False(sent.GetProperty("parallel_tool_calls").GetBoolean());
    }

    /// <summary>A string, or the concatenated text of content parts/blocks.</summary>
    private static string? ContentText(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString()
        : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
}
