using Anthropic;
using Anthropic.Models.Messages;
using Gatehouse.AnthropicSdkTests.Support;
using Gatehouse.Tests.Anthropic.Upstream;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.AnthropicSdkTests;

/// <summary>
/// Gatehouse's answers checked against the SDK's own model of the Messages API: with
/// <c>ResponseValidation</c> on, the SDK validates every response against the API's schema
/// (required fields, enums), and its typed properties throw when a required field is absent.
/// </summary>
public sealed class ResponseConformanceTests : SdkTestBase
{
    public static TheoryData<string> Backends => [Simulator, OpenAIModel, AnthropicModel];

    private AnthropicClient StrictClient() => new()
    {
        ApiKey = GatehouseServer.MasterKey,
        BaseUrl = Server.BaseAddress.ToString().TrimEnd('/'),
        MaxRetries = 0,
        ResponseValidation = true,
    };

    private void AnswerWithToolCalls()
    {
        OpenAIUpstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, ToolFixtures.OpenAIToolCallCompletion);
        AnthropicUpstream.Handler = context => FakeAnthropic.WriteJsonAsync(context, 200, ToolFixtures.ClaudeToolUseMessage);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task TextMessage_PassesTheSdksStrictValidation(string model)
    {
        using var client = StrictClient();

        var message = await client.Messages.Create(Params(model, "hi"), Ct);

        message.Validate();
        Assert.NotEmpty(Text(message));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task TextStream_PassesTheSdksStrictValidation(string model)
    {
        OpenAIUpstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents());
        AnthropicUpstream.Handler = context => FakeAnthropic.WriteEventsAsync(context, AnthropicEvents.TextThenTool[..6].Append("""{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}""").Append("""{"type":"message_stop"}"""));
        using var client = StrictClient();

        var (events, message) = await StreamAsync(client, Params(model, "hi"));

        Assert.All(events, e => e.Validate());
        Assert.NotEmpty(Text(message));
    }

    /// <summary>
    /// The Messages API's <c>ToolUseBlock</c> has a required <c>caller</c> (<c>{"type":"direct"}</c> for
    /// an ordinary client tool); SDK 13.x reads it from every tool_use block. Gatehouse writes
    /// tool_use blocks without it, so <c>ToolUseBlock.Caller</c> throws
    /// <c>AnthropicInvalidDataException: 'caller' cannot be absent</c> and strict validation rejects
    /// the whole response.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ToolUse_HasTheRequiredDirectCaller(string model)
    {
        AnswerWithToolCalls();
        using var client = Client();
        var parameters = Params(model, "Weather?") with { Tools = [WeatherTool()], ToolChoice = new ToolChoiceTool("get_weather") };

        var tool = SingleToolUse(await client.Messages.Create(parameters, Ct));

        Assert.True(tool.Caller.TryPickDirect(out _), tool.Caller.ToString());
        using var strict = StrictClient();
        (await strict.Messages.Create(parameters, Ct)).Validate();
    }

    [Fact]
    public async Task ToolUse_Streamed_ContentBlockStartHasTheRequiredDirectCaller()
    {
        using var client = StrictClient();
        var parameters = Params(Simulator, "Weather?") with { Tools = [WeatherTool()], ToolChoice = new ToolChoiceTool("get_weather") };

        var (events, message) = await StreamAsync(client, parameters);

        Assert.All(events, e => e.Validate());
        Assert.True(SingleToolUse(message).Caller.TryPickDirect(out _));
    }
}
