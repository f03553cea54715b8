using System.Text;

namespace Gatehouse.Tests.Anthropic.Upstream;

/// <summary>Anthropic SSE bodies, as the Messages API writes them (event line, data line, blank line).</summary>
internal static class AnthropicEvents
{
    public const string MessageId = "msg_014p7gG3wDgGV9EUtLvnow3U";

    public const string MessageStart = """{"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":472,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"output_tokens":2}}}""";

    /// <summary>A recorded-shape answer: text, then a streamed tool_use, then the stop.</summary>
    public static readonly string[] TextThenTool =
    [
        MessageStart,
        """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
        """{"type": "ping"}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay"}}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", let's check the weather in \"SF\"."}}""",
        """{"type":"content_block_stop","index":0}""",
        """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}""",
        """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}""",
        """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"location\":"}}""",
        """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \"San Francisco, CA\"}"}}""",
        """{"type":"content_block_stop","index":1}""",
        """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}""",
        """{"type":"message_stop"}""",
    ];

    /// <summary>The OpenAI chunks <see cref="TextThenTool"/> must become, created 1730000000, model <c>claude-up</c>.</summary>
    public static readonly string[] TextThenToolExpected =
    [
        """{"id":"chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U","object":"chat.completion.chunk","created":1730000000,"model":"claude-up","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""",
        """{"id":"chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U","object":"chat.completion.chunk","created":1730000000,"model":"claude-up","choices":[{"index":0,"delta":{"content":"Okay"},"logprobs":null,"finish_reason":null}]}""",
        """{"id":"chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U","object":"chat.completion.chunk","created":1730000000,"model":"claude-up","choices":[{"index":0,"delta":{"content":", let's check the weather in \"SF\"."},"logprobs":null,"finish_reason":null}]}""",
        """{"id":"chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U","object":"chat.completion.chunk","created":1730000000,"model":"claude-up","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}]}""",
        """{"id":"chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U","object":"chat.completion.chunk","created":1730000000,"model":"claude-up","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"location\":"}}]},"logprobs":null,"finish_reason":null}]}""",
        """{"id":"chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U","object":"chat.completion.chunk","created":1730000000,"model":"claude-up","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" \"San Francisco, CA\"}"}}]},"logprobs":null,"finish_reason":null}]}""",
        """{"id":"chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U","object":"chat.completion.chunk","created":1730000000,"model":"claude-up","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}""",
        """{"id":"chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U","object":"chat.completion.chunk","created":1730000000,"model":"claude-up","choices":[],"usage":{"prompt_tokens":2572,"completion_tokens":89,"total_tokens":2661,"prompt_tokens_details":{"cached_tokens":2000,"cache_creation_tokens":100}}}""",
        "[DONE]",
    ];

    /// <summary>Formats events the way Anthropic sends them: <c>event: type</c>, <c>data: json</c>, blank line.</summary>
    public static string Sse(IEnumerable<string> events)
    {
        var text = new StringBuilder();
        foreach (var data in events)
        {
            string type;
            try
            {
                type = System.Text.Json.Nodes.JsonNode.Parse(data)?["type"]?.GetValue<string>() ?? "unknown";
            }
            catch (System.Text.Json.JsonException)
            {
                type = "unknown";
            }

            text.Append("event: ").Append(type).Append('\n').Append("data: ").Append(data).Append("\n\n");
        }

        return text.ToString();
    }

    /// <summary>The <c>data:</c> payloads of an OpenAI SSE body, in order.</summary>
    public static List<string> DataPayloads(string sse)
    {
        var payloads = new List<string>();
        foreach (var line in sse.Split('\n'))
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                payloads.Add(line["data: ".Length..]);
            }
        }

        return payloads;
    }
}
