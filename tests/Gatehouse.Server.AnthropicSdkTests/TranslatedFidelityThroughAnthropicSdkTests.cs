using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Gatehouse.AnthropicSdkTests.Support;
using Gatehouse.Tests.Support;
using Json.Schema;
using Xunit;

namespace Gatehouse.AnthropicSdkTests;

/// <summary>
/// The official Anthropic SDK on deployments that are not Anthropic: structured output
/// (<c>output_config.format</c>) reaches them as OpenAI's <c>response_format</c> json_schema and the
/// answer is JSON that fits; a stream's <c>message_start</c> carries the prompt's tokens; what chat
/// completions cannot carry is the SDK's 400, naming the field.
/// </summary>
public sealed class TranslatedFidelityThroughAnthropicSdkTests : SdkTestBase
{
    private const string CitySchema = """
        {"type":"object","properties":{"city":{"type":"string"},"population":{"type":"integer"}},"required":["city","population"],"additionalProperties":false}
        """;

    private static MessageCreateParams Structured(string model) => Params(model, "Name a large city and its population.", maxTokens: 300) with
    {
        OutputConfig = new OutputConfig { Format = new JsonOutputFormat { Schema = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(CitySchema)! } },
    };

    [Fact]
    public async Task StructuredOutput_OpenAIUpstream_GetsStrictJsonSchema_AndTheSdkGetsJsonThatFits()
    {
        OpenAIUpstream.Handler = (context, received) =>
        {
            // JSON only when asked for it the OpenAI way, so an output_config that was dropped fails the test.
            var format = JsonNode.Parse(received.Body)!["response_format"];
            var content = format?["type"]?.GetValue<string>() == "json_schema" && format["json_schema"]?["strict"]?.GetValue<bool>() == true
                ? """{\"city\":\"Tokyo\",\"population\":37400068}"""
                : "Tokyo has about 37 million people.";
            return FakeResponses.WriteChatCompletionAsync(context, FakeResponses.ChatCompletion.Replace("Hello from the fake upstream.", content, StringComparison.Ordinal));
        };
        using var client = Client();

        var message = await client.Messages.Create(Structured(OpenAIModel), Ct);

        var sent = JsonNode.Parse(Assert.Single(OpenAIUpstream.Received).Body)!["response_format"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(CitySchema), sent["json_schema"]!["schema"]));
        var answer = AssertFitsSchema(message);
        Assert.Equal("Tokyo", answer.GetProperty("city").GetString());
        Assert.Equal(37400068, answer.GetProperty("population").GetInt64());
    }

    [Fact]
    public async Task StructuredOutput_Simulator_AnswersJsonThatFits()
    {
        using var client = Client();

        var message = await client.Messages.Create(Structured(Simulator), Ct);

        AssertFitsSchema(message);
    }

    [Fact]
    public async Task Stream_MessageStartHasTheEstimatedInputTokens_FinalUsageIsTheUpstreams()
    {
        OpenAIUpstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents());
        using var client = Client();
        var parameters = Params(OpenAIModel, "What is the weather like in Oslo today?", maxTokens: 100);

        var (events, message) = await StreamAsync(client, parameters);
        var counted = await client.Messages.CountTokens(new MessageCountTokensParams { Model = OpenAIModel, Messages = parameters.Messages }, Ct);

        var start = Assert.Single(events.Select(e => e.TryPickStart(out var s) ? s : null).OfType<RawMessageStartEvent>());
        Assert.True(counted.InputTokens > 0);
        Assert.Equal(counted.InputTokens, start.Message.Usage.InputTokens);
        Assert.Equal(20, message.Usage.InputTokens); // message_delta's exact usage replaces the estimate
        Assert.Equal(2, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task Thinking_OnATranslatedDeployment_IsTheSdksBadRequest_NamingIt()
    {
        using var client = Client();
        var parameters = Params(OpenAIModel, "hi", maxTokens: 2000) with { Thinking = new ThinkingConfigEnabled(1024) };

        var ex = await Assert.ThrowsAsync<AnthropicBadRequestException>(() => client.Messages.Create(parameters, Ct));

        Assert.Contains("thinking:", ex.Message, StringComparison.Ordinal);
        Assert.Empty(OpenAIUpstream.Received);
    }

    private static JsonElement AssertFitsSchema(Message message)
    {
        var text = Text(message);
        var answer = JsonDocument.Parse(text).RootElement;
        Assert.True(JsonSchema.FromText(CitySchema).Evaluate(answer).IsValid, text);
        return answer;
    }
}
