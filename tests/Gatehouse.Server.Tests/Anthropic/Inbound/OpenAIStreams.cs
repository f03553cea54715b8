namespace Gatehouse.Tests.Anthropic.Inbound;

/// <summary>OpenAI chat completion chunk streams as the gateway relays them.</summary>
internal static class OpenAIStreams
{
    public static string Chunk(string delta, string? finishReason = null, string id = "chatcmpl-s1") =>
        $$"""data: {"id":"{{id}}","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{(finishReason is null ? "null" : $"\"{finishReason}\"")}}}],"usage":null}""" + "\n\n";

    public const string UsageChunk = """data: {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":30,"total_tokens":80,"prompt_tokens_details":{"cached_tokens":10}}}""" + "\n\n";

    public const string Done = "data: [DONE]\n\n";

    /// <summary>Text, then two tool calls with argument fragments, finish, usage, [DONE].</summary>
    public static readonly string TextThenTools =
        Chunk("""{"role":"assistant","content":""}""")
        + Chunk("""{"content":"Hello"}""")
        + Chunk("""{"content":" wörld \"quoted\""}""")
        + Chunk("""{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}""")
        + Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}""")
        + Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]}""")
        + Chunk("""{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]}""")
        + Chunk("{}", "tool_calls")
        + UsageChunk
        + Done;

    public static readonly string[] TextThenToolsEvents =
    [
        """{"type":"message_start","message":{"id":"msg_s1","type":"message","role":"assistant","model":"claude-requested","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}""",
        """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" wörld \"quoted\""}}""",
        """{"type":"content_block_stop","index":0}""",
        """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_a","name":"get_weather","input":{},"caller":{"type":"direct"}}}""",
        """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"ci"}}""",
        """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ty\":\"Paris\"}"}}""",
        """{"type":"content_block_stop","index":1}""",
        """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"call_b","name":"get_time","input":{},"caller":{"type":"direct"}}}""",
        """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}}""",
        """{"type":"content_block_stop","index":2}""",
        """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":40,"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"output_tokens":30}}""",
        """{"type":"message_stop"}""",
    ];
}
