using System.Globalization;
using System.Text;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Bodies for the Anthropic translation benchmarks, in both dialects with the same content, so a
/// translation and its OpenAI pass-through baseline see the same conversation. Shapes follow the
/// test fixtures (<c>tests/…/Anthropic/Upstream/AnthropicEvents.cs</c>,
/// <c>tests/…/Anthropic/Inbound/OpenAIStreams.cs</c>); the bench project cannot reference the tests.
/// </summary>
internal static class AnthropicPayloads
{
    private const string SystemPrompt = "You are a concise assistant for infrastructure engineers. Answer in plain language, cite configuration keys verbatim, and prefer short examples over long explanations. Use the inventory tool instead of guessing identifiers.";

    private const string ToolDescription = "Looks up a server in the inventory service and returns its current state, owner and the last five change events with timestamps.";

    private const string ToolSchema = """{"type":"object","properties":{"id":{"type":"string","description":"Record identifier, e.g. srv-0042"},"region":{"type":"string","enum":["eu-west-1","us-east-1","ap-south-1"]},"include_history":{"type":"boolean","default":false}},"required":["id"]}""";

    /// <summary>OpenAI chat (~1 KB): system prompt, a short exchange, one function tool.</summary>
    public static readonly byte[] OpenAIChatTool1K = Encoding.UTF8.GetBytes(
        "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"system\",\"content\":\"" + SystemPrompt + "\"},"
        + """{"role":"user","content":"Is srv-0042 in eu-west-1 still owned by the platform team?"},{"role":"assistant","content":"I will check the inventory."},{"role":"user","content":"Thanks. Also tell me whether it was resized this week."}],"""
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup_server\",\"description\":\"" + ToolDescription + "\",\"parameters\":" + ToolSchema + "}}],"
        + "\"tool_choice\":\"auto\",\"temperature\":0.2,\"max_tokens\":512,\"user\":\"bench-user-1\"}");

    /// <summary>The same call as an Anthropic Messages request.</summary>
    public static readonly byte[] AnthropicChatTool1K = Encoding.UTF8.GetBytes(
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":512,\"system\":\"" + SystemPrompt + "\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Is srv-0042 in eu-west-1 still owned by the platform team?\"},{\"role\":\"assistant\",\"content\":\"I will check the inventory.\"},{\"role\":\"user\",\"content\":\"Thanks. Also tell me whether it was resized this week.\"}],"
        + "\"tools\":[{\"name\":\"lookup_server\",\"description\":\"" + ToolDescription + "\",\"input_schema\":" + ToolSchema + "}],"
        + "\"tool_choice\":{\"type\":\"auto\"},\"temperature\":0.2,\"metadata\":{\"user_id\":\"bench-user-1\"}}");

    /// <summary>
    /// Anthropic agent call (~30 KB): 20 tools with input schemas and a conversation of tool_use /
    /// tool_result turns; the Anthropic counterpart of <see cref="Payloads.Tools30K"/>.
    /// </summary>
    public static readonly byte[] AnthropicTools30K = BuildAnthropicToolsBody(targetBytes: 30 * 1024);

    /// <summary>A non-streaming Anthropic answer: thinking, text, a tool_use, usage with cache tokens.</summary>
    public static readonly byte[] AnthropicMessage = Encoding.UTF8.GetBytes(
        """{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"thinking","thinking":"The user wants the owner and the recent changes of srv-0042; the inventory tool has both.","signature":"EqQBCgIYAhIMbench0000000000"},{"type":"text","text":"I will look srv-0042 up in the inventory to confirm the owner and check for a resize in the last seven days. "},{"type":"text","text":"One moment."},{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"lookup_server","input":{"id":"srv-0042","region":"eu-west-1","include_history":true}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":472,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"output_tokens":89,"service_tier":"standard"}}""");

    /// <summary>The same answer as an OpenAI chat completion, as OpenAI sends it.</summary>
    public static readonly byte[] OpenAICompletion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-BENCHmock0000000000000000001","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"I will look srv-0042 up in the inventory to confirm the owner and check for a resize in the last seven days. One moment.","refusal":null,"tool_calls":[{"id":"call_01A09q90qw90lq917835lq9","type":"function","function":{"name":"lookup_server","arguments":"{\"id\":\"srv-0042\",\"region\":\"eu-west-1\",\"include_history\":true}"}}],"annotations":[]},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":2572,"completion_tokens":89,"total_tokens":2661,"prompt_tokens_details":{"cached_tokens":2000,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}""");

    /// <summary>Text deltas of the streams (a few tokens each).</summary>
    public const int TextDeltas = 30;

    /// <summary>Non-empty argument fragments of the streamed tool call.</summary>
    private static readonly string[] ArgumentFragments =
    [
        "{\"id\":", " \"srv-", "0042\"", ", \"reg", "ion\": ", "\"eu-we", "st-1\"", ", \"inc", "lude_hi", "story\":", " true}",
    ];

    private static readonly string[] Words = [" A reverse", " proxy sits", " between clients", " and upstream", " servers.", " It terminates", " the client", " connection,"];

    /// <summary>
    /// An Anthropic SSE body of 50 events: message_start, a text block (start, ping, 30 text_delta,
    /// stop), a tool_use block (start, 12 input_json_delta with the usual empty first one, stop),
    /// message_delta with the usage, message_stop.
    /// </summary>
    public static readonly byte[] AnthropicStream = BuildAnthropicStream(out AnthropicStreamEvents);

    /// <summary>The number of events in <see cref="AnthropicStream"/>.</summary>
    public static readonly int AnthropicStreamEvents;

    /// <summary>
    /// The same answer as an OpenAI SSE body with <c>include_usage</c>, as OpenAI sends it: a role
    /// chunk, 30 content chunks, the tool call's first chunk and 11 argument chunks, the finish chunk,
    /// the usage chunk and <c>[DONE]</c> (46 <c>data:</c> events).
    /// </summary>
    public static readonly byte[] OpenAIStream = BuildOpenAIStream(out OpenAIStreamEvents);

    /// <summary>The number of <c>data:</c> events in <see cref="OpenAIStream"/>, <c>[DONE]</c> included.</summary>
    public static readonly int OpenAIStreamEvents;

    private static byte[] BuildAnthropicToolsBody(int targetBytes)
    {
        var sb = new StringBuilder(targetBytes + 4096);
        sb.Append("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"system\":\"You are an operations agent. Use the tools to answer; never guess identifiers.\",\"tools\":[");
        for (var t = 0; t < 20; t++)
        {
            if (t > 0)
            {
                sb.Append(',');
            }

            sb.Append(CultureInfo.InvariantCulture, $$$"""{"name":"tool_{{{t}}}","description":"Looks up record kind {{{t}}} in the inventory service and returns its current state, owner and the last five change events with timestamps.","input_schema":{"type":"object","properties":{"id":{"type":"string","description":"Record identifier, e.g. srv-0042"},"region":{"type":"string","enum":["eu-west-1","us-east-1","ap-south-1"]},"include_history":{"type":"boolean","default":false},"limit":{"type":"integer","minimum":1,"maximum":100}},"required":["id"],"additionalProperties":false}}""");
        }

        sb.Append("],\"tool_choice\":{\"type\":\"auto\"},\"messages\":[{\"role\":\"user\",\"content\":\"Check srv-0000 in eu-west-1 and tell me who owns it and whether it changed in the last day.\"}");
        var turn = 0;
        while (sb.Length < targetBytes - 400)
        {
            sb.Append(CultureInfo.InvariantCulture, $$$""",{"role":"assistant","content":[{"type":"tool_use","id":"toolu_{{{turn:D4}}}","name":"tool_{{{turn % 20}}}","input":{"id":"srv-{{{turn:D4}}}","region":"eu-west-1","include_history":true,"limit":5}}]}""");
            sb.Append(CultureInfo.InvariantCulture, $$$""",{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_{{{turn:D4}}}","content":"{\"id\":\"srv-{{{turn:D4}}}\",\"owner\":\"team-{{{turn % 7}}}\",\"state\":\"running\",\"history\":[{\"at\":\"2026-11-0{{1 + (turn % 9)}}T10:00:00Z\",\"change\":\"resize\"}]}"},{"type":"text","text":"Check srv-{{{turn + 1:D4}}} in eu-west-1 and tell me who owns it and whether it changed in the last day."}]}""");
            turn++;
        }

        sb.Append("],\"temperature\":0}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static byte[] BuildAnthropicStream(out int events)
    {
        var data = new List<string>
        {
            """{"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":472,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"output_tokens":2}}}""",
            """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
            """{"type": "ping"}""",
        };
        for (var i = 0; i < TextDeltas; i++)
        {
            data.Add("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + Words[i % Words.Length] + "\"}}");
        }

        data.Add("""{"type":"content_block_stop","index":0}""");
        data.Add("""{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"lookup_server","input":{}}}""");
        data.Add("""{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}""");
        foreach (var fragment in ArgumentFragments)
        {
            data.Add("{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"" + fragment.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"}}");
        }

        data.Add("""{"type":"content_block_stop","index":1}""");
        data.Add("""{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}""");
        data.Add("""{"type":"message_stop"}""");

        var text = new StringBuilder();
        foreach (var json in data)
        {
            var typeStart = json.IndexOf("\"type\":", StringComparison.Ordinal) + 7;
            while (json[typeStart] is ' ' or '"')
            {
                typeStart++;
            }

            var type = json[typeStart..json.IndexOf('"', typeStart)];
            text.Append("event: ").Append(type).Append('\n').Append("data: ").Append(json).Append("\n\n");
        }

        events = data.Count;
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] BuildOpenAIStream(out int events)
    {
        const string Head = "{\"id\":\"chatcmpl-BENCHmock0000000000000000001\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_06737a9306\",";
        const string Tail = ",\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}";
        var data = new List<string>
        {
            Head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}" + Tail,
        };
        for (var i = 0; i < TextDeltas; i++)
        {
            data.Add(Head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + Words[i % Words.Length] + "\"}" + Tail);
        }

        data.Add(Head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_01T1x1fJ34qAmk2tNTrN7Up6\",\"type\":\"function\",\"function\":{\"name\":\"lookup_server\",\"arguments\":\"\"}}]}" + Tail);
        foreach (var fragment in ArgumentFragments)
        {
            data.Add(Head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"" + fragment.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"}}]}" + Tail);
        }

        data.Add(Head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":null}");
        data.Add(Head + "\"choices\":[],\"usage\":{\"prompt_tokens\":2572,\"completion_tokens\":89,\"total_tokens\":2661,\"prompt_tokens_details\":{\"cached_tokens\":2000,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}");
        data.Add("[DONE]");

        var text = new StringBuilder();
        foreach (var json in data)
        {
            text.Append("data: ").Append(json).Append("\n\n");
        }

        events = data.Count;
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
