using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Anthropic.Inbound;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Inbound;

public sealed class MessagesResponseTranslatorTests
{
    private static JsonNode Translate(string completion, string model = "claude-requested")
    {
        var bytes = MessagesResponseTranslator.Translate(Encoding.UTF8.GetBytes(completion), model);
        Assert.NotNull(bytes);
        return JsonNode.Parse(bytes)!;
    }

    internal const string TextCompletion = """
        {"id":"chatcmpl-abc123","object":"chat.completion","created":1,"model":"gpt-4o-2024",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there","refusal":null},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":100,"completion_tokens":7,"total_tokens":107,"prompt_tokens_details":{"cached_tokens":60}}}
        """;

    [Fact]
    public void TextCompletion_BecomesAnthropicMessage()
    {
        var message = Translate(TextCompletion);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"id":"msg_abc123","type":"message","role":"assistant","model":"claude-requested",
             "content":[{"type":"text","text":"Hello there"}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":40,"cache_creation_input_tokens":0,"cache_read_input_tokens":60,"output_tokens":7}}
            """), message), message.ToJsonString());
    }

    [Fact]
    public void ToolCalls_BecomeToolUseBlocksAfterText_BadArgumentsBecomeEmptyInput()
    {
        var message = Translate("""
            {"id":"chatcmpl-t","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Let me check.",
              "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                            {"id":"call_2","type":"function","function":{"name":"broken","arguments":"{\"city\":"}},
                            {"id":"call_3","type":"function","function":{"name":"empty","arguments":""}}]}}],
             "usage":{"prompt_tokens":10,"completion_tokens":20}}
            """);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            [{"type":"text","text":"Let me check."},
             {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"},"caller":{"type":"direct"}},
             {"type":"tool_use","id":"call_2","name":"broken","input":{},"caller":{"type":"direct"}},
             {"type":"tool_use","id":"call_3","name":"empty","input":{},"caller":{"type":"direct"}}]
            """), message["content"]), message["content"]!.ToJsonString());
        Assert.Equal("tool_use", message["stop_reason"]!.GetValue<string>());
    }

    [Fact]
    public void NullOrEmptyContent_HasNoTextBlock()
    {
        var message = Translate("""
            {"id":"chatcmpl-n","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"",
              "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}
            """);
        var content = message["content"]!.AsArray();
        Assert.Single(content);
        Assert.Equal("tool_use", content[0]!["type"]!.GetValue<string>());
        Assert.Equal(0, message["usage"]!["output_tokens"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("stop", "end_turn")]
    [InlineData("length", "max_tokens")]
    [InlineData("tool_calls", "tool_use")]
    [InlineData("function_call", "tool_use")]
    [InlineData("content_filter", "refusal")]
    [InlineData("something_new", "end_turn")]
    public void FinishReason_MapsToStopReason(string finishReason, string stopReason)
    {
        var message = Translate($$"""{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"{{finishReason}}"}]}""");
        Assert.Equal(stopReason, message["stop_reason"]!.GetValue<string>());
        Assert.Null(message["stop_sequence"]);
    }

    [Fact]
    public void Usage_SubtractsCachedAndCacheCreationTokensFromInput()
    {
        var message = Translate("""
            {"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1000,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":300,"cache_creation_tokens":200}}}
            """);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"input_tokens":500,"cache_creation_input_tokens":200,"cache_read_input_tokens":300,"output_tokens":5}"""),
            message["usage"]));
        Assert.Equal("msg_x", message["id"]!.GetValue<string>());
    }

    [Fact]
    public void Refusal_BecomesTextBlock()
    {
        var message = Translate("""{"id":"chatcmpl-r","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"content_filter"}]}""");
        Assert.Equal("I can't help with that.", message["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("refusal", message["stop_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"object":"chat.completion","choices":[]}""")]
    [InlineData("""{"data":[]}""")]
    public void NotACompletion_ReturnsNull(string body) =>
        Assert.Null(MessagesResponseTranslator.Translate(Encoding.UTF8.GetBytes(body), "m"));
}
