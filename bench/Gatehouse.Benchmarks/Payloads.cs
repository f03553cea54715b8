using System.Globalization;
using System.Text;

namespace Gatehouse.Benchmarks;

/// <summary>Request bodies and stream chunks shaped like real OpenAI traffic, built once per process.</summary>
internal static class Payloads
{
    /// <summary>A typical chat call (~1 KB): system prompt, a short exchange, sampling options.</summary>
    public static readonly byte[] Chat1K = Encoding.UTF8.GetBytes(
        """
        {"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a concise assistant for infrastructure engineers. Answer in plain language, cite configuration keys verbatim, and prefer short examples over long explanations."},{"role":"user","content":"In two or three sentences, explain what a reverse proxy does and why an LLM gateway is a special case of one."},{"role":"assistant","content":"A reverse proxy sits between clients and upstream servers: it terminates the client connection, applies policy such as authentication and routing, and forwards the request. An LLM gateway does the same for model APIs, and additionally meters tokens, prices calls and fails over between providers."},{"role":"user","content":"Which of those steps are on the latency-critical path, and which can happen after the response has been sent? Keep it to a short bulleted list."}],"temperature":0.2,"top_p":1,"max_tokens":256,"presence_penalty":0,"frequency_penalty":0,"user":"bench-user-1","metadata":{"team":"infra","ticket":"GH-1234"}}
        """);

    /// <summary>The same call as a stream without <c>stream_options</c>: the rewriter must insert <c>include_usage</c>.</summary>
    public static readonly byte[] Chat1KStream = Encoding.UTF8.GetBytes(
        Encoding.UTF8.GetString(Chat1K).Replace("\"temperature\":0.2", "\"stream\":true,\"temperature\":0.2", StringComparison.Ordinal));

    /// <summary>An agent-style call (~30 KB): 20 tool definitions with JSON schemas and a longer conversation with tool results.</summary>
    public static readonly byte[] Tools30K = BuildToolsBody(targetBytes: 30 * 1024);

    public static readonly byte[] UpstreamModelJson = "\"gpt-4o-mini-2024-07-18\""u8.ToArray();

    private static byte[] BuildToolsBody(int targetBytes)
    {
        var sb = new StringBuilder(targetBytes + 4096);
        sb.Append("{\"model\":\"gpt-4o-mini\",\"tools\":[");
        for (var t = 0; t < 20; t++)
        {
            if (t > 0)
            {
                sb.Append(',');
            }

            sb.Append(CultureInfo.InvariantCulture, $$$"""{"type":"function","function":{"name":"tool_{{{t}}}","description":"Looks up record kind {{{t}}} in the inventory service and returns its current state, owner and the last five change events with timestamps.","parameters":{"type":"object","properties":{"id":{"type":"string","description":"Record identifier, e.g. srv-0042"},"region":{"type":"string","enum":["eu-west-1","us-east-1","ap-south-1"]},"include_history":{"type":"boolean","default":false},"limit":{"type":"integer","minimum":1,"maximum":100}},"required":["id"],"additionalProperties":false},"strict":true}}""");
        }

        sb.Append("],\"tool_choice\":\"auto\",\"messages\":[{\"role\":\"system\",\"content\":\"You are an operations agent. Use the tools to answer; never guess identifiers.\"}");
        var turn = 0;
        while (sb.Length < targetBytes - 400)
        {
            sb.Append(CultureInfo.InvariantCulture, $$$""",{"role":"user","content":"Check srv-{{{turn:D4}}} in eu-west-1 and tell me who owns it and whether it changed in the last day."}""");
            sb.Append(CultureInfo.InvariantCulture, $$$""",{"role":"assistant","content":null,"tool_calls":[{"id":"call_{{{turn:D4}}}","type":"function","function":{"name":"tool_{{{turn % 20}}}","arguments":"{\"id\":\"srv-{{{turn:D4}}}\",\"region\":\"eu-west-1\",\"include_history\":true,\"limit\":5}"}}]}""");
            sb.Append(CultureInfo.InvariantCulture, $$$""",{"role":"tool","tool_call_id":"call_{{{turn:D4}}}","content":"{\"id\":\"srv-{{{turn:D4}}}\",\"owner\":\"team-{{{turn % 7}}}\",\"state\":\"running\",\"history\":[{\"at\":\"2026-11-0{{1 + (turn % 9)}}T10:00:00Z\",\"change\":\"resize\"}]}"}""");
            turn++;
        }

        sb.Append("],\"temperature\":0,\"parallel_tool_calls\":true,\"max_tokens\":1024}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>
    /// The payloads (text after <c>data: </c>) of a realistic chat stream: a role chunk, 50 content
    /// chunks of a few tokens each, a finish chunk and the usage chunk, as OpenAI sends them with
    /// <c>include_usage</c> (every chunk carries <c>"usage":null</c>, the last one <c>"choices":[]</c>).
    /// </summary>
    public static byte[][] StreamChunks(int contentChunks = 50)
    {
        const string Head = "{\"id\":\"chatcmpl-BENCHmock0000000000000000001\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_06737a9306\",";
        var words = new[] { " A reverse", " proxy sits", " between clients", " and upstream", " servers.", " It terminates", " the client", " connection," };
        var chunks = new List<byte[]>(contentChunks + 3)
        {
            Encoding.UTF8.GetBytes(Head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}"),
        };
        for (var i = 0; i < contentChunks; i++)
        {
            chunks.Add(Encoding.UTF8.GetBytes(Head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + words[i % words.Length] + "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}"));
        }

        chunks.Add(Encoding.UTF8.GetBytes(Head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}"));
        chunks.Add(Encoding.UTF8.GetBytes(Head + "\"choices\":[],\"usage\":{\"prompt_tokens\":58,\"completion_tokens\":64,\"total_tokens\":122,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}"));
        return [.. chunks];
    }
}
