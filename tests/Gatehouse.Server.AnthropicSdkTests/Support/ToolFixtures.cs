namespace Gatehouse.AnthropicSdkTests.Support;

/// <summary>Canned upstream answers that contain a tool call, shared by the SDK tests.</summary>
internal static class ToolFixtures
{
    /// <summary>OpenAI: a get_weather call, city Paris, unit celsius, id call_Wx7Tq2.</summary>
    public const string OpenAIToolCallCompletion = """
        {"id":"chatcmpl-tool1","object":"chat.completion","created":1730000000,"model":"upstream-model","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_Wx7Tq2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"unit\":\"celsius\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":80,"completion_tokens":17,"total_tokens":97}}
        """;

    /// <summary>OpenAI: the same call streamed, arguments in two pieces, then usage and [DONE].</summary>
    public static readonly string[] OpenAIToolCallChunks =
    [
        """{"id":"chatcmpl-t2","object":"chat.completion.chunk","created":1730000000,"model":"upstream-model","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_Wx7Tq2","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-t2","object":"chat.completion.chunk","created":1730000000,"model":"upstream-model","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-t2","object":"chat.completion.chunk","created":1730000000,"model":"upstream-model","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\",\"unit\":\"celsius\"}"}}]},"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-t2","object":"chat.completion.chunk","created":1730000000,"model":"upstream-model","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null}""",
        """{"id":"chatcmpl-t2","object":"chat.completion.chunk","created":1730000000,"model":"upstream-model","choices":[],"usage":{"prompt_tokens":80,"completion_tokens":17,"total_tokens":97}}""",
        "[DONE]",
    ];

    /// <summary>Anthropic: text then a get_weather tool_use (San Francisco, celsius), id toolu_01A09q90qw90lq917835lq9, with the <c>caller</c> today's API sends.</summary>
    public const string ClaudeToolUseMessage = """
        {"id":"msg_01ToolUse","type":"message","role":"assistant","model":"claude-up","content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"city":"San Francisco, CA","unit":"celsius"},"caller":{"type":"direct"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":400,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":55}}
        """;
}
