using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Anthropic.Upstream;
using Gatehouse.OpenAI;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Upstream;

public sealed class AnthropicResponseTranslatorTests
{
    private const string Message = """
        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
         "content":[
           {"type":"thinking","thinking":"The user wants weather.","signature":"EqQBCgIYAhIM"},
           {"type":"text","text":"Let me check "},
           {"type":"text","text":"the weather."},
           {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"San Francisco, CA","unit":"celsius"}}],
         "stop_reason":"tool_use","stop_sequence":null,
         "usage":{"input_tokens":50,"cache_creation_input_tokens":200,"cache_read_input_tokens":1000,"output_tokens":30}}
        """;

    private static JsonNode Translate(string message, string? jsonToolName = null)
    {
        Assert.True(AnthropicResponseTranslator.TryTranslate(Encoding.UTF8.GetBytes(message), "claude-up", 1730000000, jsonToolName, out var completion));
        return JsonNode.Parse(completion)!;
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\n  actual {actual?.ToJsonString()}");

    [Fact]
    public void Message_BecomesChatCompletion_WithTextToolCallsReasoningAndUsage()
    {
        AssertJson("""
            {"id":"chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion","created":1730000000,"model":"claude-up",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Let me check the weather.","reasoning_content":"The user wants weather.","refusal":null,
               "tool_calls":[{"id":"toolu_01A09q90qw90lq917835lq9","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"}}]},
               "logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":1250,"completion_tokens":30,"total_tokens":1280,"prompt_tokens_details":{"cached_tokens":1000,"cache_creation_tokens":200}}}
            """, Translate(Message));
    }

    [Fact]
    public void Usage_IsReadByTheGatewaysUsageReader()
    {
        Assert.True(AnthropicResponseTranslator.TryTranslate(Encoding.UTF8.GetBytes(Message), "claude-up", 1, null, out var completion));

        Assert.True(OpenAIUsageReader.TryRead(completion, out var usage));
        Assert.Equal(1250, usage.InputTokens);
        Assert.Equal(30, usage.OutputTokens);
        Assert.Equal(1000, usage.CachedInputTokens);
    }

    [Fact]
    public void OnlyToolUse_ContentIsNull()
    {
        var completion = Translate("""{"id":"msg_1","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}}""");

        Assert.Null(completion["choices"]![0]!["message"]!["content"]);
        Assert.Equal("{}", completion["choices"]![0]!["message"]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    [InlineData("pause_turn", "stop")]
    public void StopReason_MapsToFinishReason(string stopReason, string finishReason)
    {
        var completion = Translate($$$"""{"id":"msg_1","content":[{"type":"text","text":"x"}],"stop_reason":"{{{stopReason}}}","usage":{"input_tokens":1,"output_tokens":1}}""");

        Assert.Equal(finishReason, completion["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Null(completion["choices"]![0]!["message"]!["reasoning_content"]);
    }

    [Fact]
    public void JsonSchemaRoundTrip_ForcedToolInputComesBackAsContent_FinishReasonStop()
    {
        var request = AnthropicRequestTranslator.Translate(Encoding.UTF8.GetBytes("""
            {"model":"m","messages":[{"role":"user","content":"Who?"}],"response_format":{"type":"json_schema","json_schema":{"name":"person","schema":{"type":"object"}}}}
            """), 4096);
        var toolName = JsonNode.Parse(request.Body)!["tool_choice"]!["name"]!.GetValue<string>();
        var answer = $$$"""{"id":"msg_1","content":[{"type":"tool_use","id":"toolu_1","name":"{{{toolName}}}","input":{"name":"Ada","born":1815}}],"stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":9}}""";

        var completion = Translate(answer, request.JsonToolName);

        var message = completion["choices"]![0]!["message"]!;
        AssertJson("""{"name":"Ada","born":1815}""", JsonNode.Parse(message["content"]!.GetValue<string>()));
        Assert.Null(message["tool_calls"]);
        Assert.Equal("stop", completion["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"error","error":{"type":"api_error","message":"x"}}""")]
    [InlineData("[]")]
    public void NotAMessage_IsRejected(string body) =>
        Assert.False(AnthropicResponseTranslator.TryTranslate(Encoding.UTF8.GetBytes(body), "m", 1, null, out _));
}
