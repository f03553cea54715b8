using BenchmarkDotNet.Attributes;
using Gatehouse.Anthropic.Inbound;
using Gatehouse.Anthropic.Upstream;
using Gatehouse.Gateway;
using Gatehouse.OpenAI;
using Gatehouse.Usage;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Streaming translation in both directions (issue 3), one whole stream per operation, read to the
/// end through the translator <see cref="Stream"/> with <c>ReadAsync</c> into a 16 KB buffer (what
/// <c>StreamOutput.PumpAsync</c> does) from a <see cref="MemoryStream"/> source:
/// Anthropic SSE → OpenAI SSE (<see cref="AnthropicStreamTranslator"/>, 50 Anthropic events in) and
/// OpenAI SSE → Anthropic SSE (<see cref="MessagesStreamTranslator"/>, 46 OpenAI events in), both the
/// same answer: 30 text deltas, a tool call in 12 argument pieces, usage. The source hands over the
/// whole body in one read; a network source delivers it in more, smaller reads.
/// Baseline: what <c>StreamRelay</c> does to every OpenAI event anyway: split the body into lines, and
/// for each <c>data:</c> payload a validating reader pass (<see cref="SseEvents.IsCompleteJson"/>) plus
/// the usage capture (<see cref="OpenAIUsageReader.MayContainUsage"/> / <see cref="OpenAIUsageReader.TryRead"/>).
/// </summary>
[MemoryDiagnoser]
public class AnthropicStreamTranslationBenchmarks
{
    private readonly byte[] _anthropic = AnthropicPayloads.AnthropicStream;
    private readonly byte[] _openAI = AnthropicPayloads.OpenAIStream;
    private readonly byte[] _buffer = new byte[16 * 1024];

    [GlobalSetup]
    public void Setup()
    {
        var toOpenAI = Drain(new AnthropicStreamTranslator(new MemoryStream(_anthropic, writable: false), "claude-up", 1730000000, null));
        var toAnthropic = Drain(new MessagesStreamTranslator(new MemoryStream(_openAI, writable: false), "claude-sonnet-4-5"));
        var openAIText = System.Text.Encoding.UTF8.GetString(toOpenAI);
        var anthropicText = System.Text.Encoding.UTF8.GetString(toAnthropic);
        if (!openAIText.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal) || !openAIText.Contains("\"prompt_tokens\":2572", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Anthropic → OpenAI stream incomplete:\n" + openAIText);
        }

        if (!anthropicText.Contains("event: message_stop", StringComparison.Ordinal) || anthropicText.Contains("event: error", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("OpenAI → Anthropic stream incomplete:\n" + anthropicText);
        }

        if (PassThrough() != 2661)
        {
            throw new InvalidOperationException("baseline found no usage");
        }

        Console.WriteLine($"// Anthropic stream {_anthropic.Length} B, {AnthropicPayloads.AnthropicStreamEvents} events → OpenAI {toOpenAI.Length} B, {Count(openAIText, "data: ")} events");
        Console.WriteLine($"// OpenAI stream {_openAI.Length} B, {AnthropicPayloads.OpenAIStreamEvents} events → Anthropic {toAnthropic.Length} B, {Count(anthropicText, "event: ")} events");
    }

    [Benchmark(Baseline = true, Description = "StreamRelay per-event checks, OpenAI stream (baseline)")]
    public int PassThrough()
    {
        TokenUsage found = default;
        ReadOnlySpan<byte> rest = _openAI;
        while (!rest.IsEmpty)
        {
            var newline = rest.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? default : rest[(newline + 1)..];
            if (!line.StartsWith("data:"u8))
            {
                continue;
            }

            var payload = line[5..].TrimStart((byte)' ');
            if (payload.SequenceEqual("[DONE]"u8) || !SseEvents.IsCompleteJson(payload) || SseEvents.IsErrorEvent(payload))
            {
                continue;
            }

            if (OpenAIUsageReader.MayContainUsage(payload) && OpenAIUsageReader.TryRead(payload, out var usage))
            {
                found = usage;
            }
        }

        return found.TotalTokens;
    }

    [Benchmark(Description = "Anthropic→OpenAI: AnthropicStreamTranslator, read to end")]
    public async Task<int> ToOpenAI()
    {
        await using var translator = new AnthropicStreamTranslator(new MemoryStream(_anthropic, writable: false), "claude-up", 1730000000, null);
        return await ReadToEndAsync(translator);
    }

    [Benchmark(Description = "OpenAI→Anthropic: MessagesStreamTranslator, read to end")]
    public async Task<int> ToAnthropic()
    {
        await using var translator = new MessagesStreamTranslator(new MemoryStream(_openAI, writable: false), "claude-sonnet-4-5");
        return await ReadToEndAsync(translator);
    }

    private async Task<int> ReadToEndAsync(Stream translator)
    {
        var total = 0;
        int read;
        while ((read = await translator.ReadAsync(_buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static byte[] Drain(Stream translator)
    {
        using (translator)
        {
            using var copy = new MemoryStream();
            translator.CopyTo(copy);
            return copy.ToArray();
        }
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
