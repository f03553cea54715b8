using BenchmarkDotNet.Attributes;
using Gatehouse.Anthropic.Inbound;
using Gatehouse.Anthropic.Upstream;
using Gatehouse.OpenAI;
using Gatehouse.Providers;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Request translation in both directions (issue 3): OpenAI → Anthropic
/// (<see cref="AnthropicRequestTranslator"/>, an OpenAI client calling an Anthropic deployment) and
/// Anthropic → OpenAI (<see cref="MessagesRequestTranslator"/>, a client on <c>/v1/messages</c>).
/// Baseline: <see cref="OpenAIRequestReader.Read"/> on the OpenAI body with the same content, which
/// the gateway runs on every request anyway (on the translated body for <c>/v1/messages</c>).
/// </summary>
[MemoryDiagnoser]
public class AnthropicRequestTranslationBenchmarks
{
    private byte[] _openAI = [];
    private byte[] _anthropic = [];

    [Params("chat+tool-1KB", "tools-30KB")]
    public string Body { get; set; } = "chat+tool-1KB";

    [GlobalSetup]
    public void Setup()
    {
        (_openAI, _anthropic) = Body switch
        {
            "chat+tool-1KB" => (AnthropicPayloads.OpenAIChatTool1K, AnthropicPayloads.AnthropicChatTool1K),
            _ => (Payloads.Tools30K, AnthropicPayloads.AnthropicTools30K),
        };
        if (OpenAIRequestReader.Read(_openAI, ApiOperation.ChatCompletions, out var error) is null)
        {
            throw new InvalidOperationException($"OpenAI body rejected: {error}");
        }

        var upstream = AnthropicRequestTranslator.Translate(_openAI, 4096);
        if (upstream.Body is null)
        {
            throw new InvalidOperationException($"OpenAI → Anthropic failed: {upstream.Error}");
        }

        var inbound = MessagesRequestTranslator.Translate(_anthropic, out var anthropicError)
            ?? throw new InvalidOperationException($"Anthropic → OpenAI failed: {anthropicError?.Message}");
        if (OpenAIRequestReader.Read(inbound.OpenAIBody.Span, ApiOperation.ChatCompletions, out error) is null)
        {
            throw new InvalidOperationException($"translated body rejected: {error}");
        }

        Console.WriteLine($"// {Body}: OpenAI body {_openAI.Length} B, Anthropic body {_anthropic.Length} B, OpenAI→Anthropic {upstream.Body.Length} B, Anthropic→OpenAI {inbound.OpenAIBody.Length} B");
    }

    [Benchmark(Baseline = true, Description = "OpenAIRequestReader.Read, OpenAI body (baseline)")]
    public bool Read() => OpenAIRequestReader.Read(_openAI, ApiOperation.ChatCompletions, out _) is not null;

    [Benchmark(Description = "Read + RequestRewriter.Rewrite, OpenAI body (pass-through total)")]
    public int ReadAndRewrite()
    {
        var parsed = OpenAIRequestReader.Read(_openAI, ApiOperation.ChatCompletions, out _)!;
        using var rewritten = RequestRewriter.Rewrite(_openAI, parsed, Payloads.UpstreamModelJson);
        return rewritten.Length;
    }

    [Benchmark(Description = "OpenAI→Anthropic: AnthropicRequestTranslator.Translate")]
    public int ToAnthropic() => AnthropicRequestTranslator.Translate(_openAI, 4096).Body!.Length;

    [Benchmark(Description = "Anthropic→OpenAI: MessagesRequestTranslator.Translate")]
    public int FromAnthropic() => MessagesRequestTranslator.Translate(_anthropic, out _)!.OpenAIBody.Length;

    [Benchmark(Description = "Anthropic→OpenAI: Translate + Read (/v1/messages request path)")]
    public bool FromAnthropicAndRead()
    {
        var translated = MessagesRequestTranslator.Translate(_anthropic, out _)!;
        return OpenAIRequestReader.Read(translated.OpenAIBody.Span, ApiOperation.ChatCompletions, out _) is not null;
    }
}
