using BenchmarkDotNet.Attributes;
using Gatehouse.Anthropic.Inbound;
using Gatehouse.Anthropic.Upstream;
using Gatehouse.Gateway;
using Gatehouse.OpenAI;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Non-streaming answer translation in both directions (issue 3): Anthropic message → OpenAI chat
/// completion (<see cref="AnthropicResponseTranslator"/>) and OpenAI chat completion → Anthropic
/// message (<see cref="MessagesResponseTranslator"/>), on the same answer (text, a tool call, usage
/// with cached tokens; <see cref="AnthropicPayloads.AnthropicMessage"/> / <see cref="AnthropicPayloads.OpenAICompletion"/>).
/// Baseline: what <c>ResponseRelay</c> does to every OpenAI answer anyway, one validating reader pass
/// (<see cref="SseEvents.IsCompleteJson"/>, the same loop as <c>ResponseRelay.IsCompleteJson</c>) plus
/// <see cref="OpenAIUsageReader.TryRead"/>.
/// </summary>
[MemoryDiagnoser]
public class AnthropicResponseTranslationBenchmarks
{
    private readonly byte[] _anthropic = AnthropicPayloads.AnthropicMessage;
    private readonly byte[] _openAI = AnthropicPayloads.OpenAICompletion;

    [GlobalSetup]
    public void Setup()
    {
        if (!AnthropicResponseTranslator.TryTranslate(_anthropic, "claude-up", 1730000000, null, out var completion))
        {
            throw new InvalidOperationException("Anthropic → OpenAI answer failed");
        }

        var message = MessagesResponseTranslator.Translate(_openAI, "claude-sonnet-4-5")
            ?? throw new InvalidOperationException("OpenAI → Anthropic answer failed");
        if (!SseEvents.IsCompleteJson(_openAI) || !OpenAIUsageReader.TryRead(_openAI, out _))
        {
            throw new InvalidOperationException("baseline answer unreadable");
        }

        Console.WriteLine($"// Anthropic message {_anthropic.Length} B → OpenAI {completion.Length} B; OpenAI completion {_openAI.Length} B → Anthropic {message.Length} B");
    }

    [Benchmark(Baseline = true, Description = "IsCompleteJson + OpenAIUsageReader.TryRead, OpenAI answer (baseline)")]
    public int PassThrough() => SseEvents.IsCompleteJson(_openAI) && OpenAIUsageReader.TryRead(_openAI, out var usage) ? usage.TotalTokens : -1;

    [Benchmark(Description = "Anthropic→OpenAI: AnthropicResponseTranslator.TryTranslate")]
    public int ToOpenAI() => AnthropicResponseTranslator.TryTranslate(_anthropic, "claude-up", 1730000000, null, out var completion) ? completion.Length : -1;

    [Benchmark(Description = "OpenAI→Anthropic: MessagesResponseTranslator.Translate")]
    public int ToAnthropic() => MessagesResponseTranslator.Translate(_openAI, "claude-sonnet-4-5")?.Length ?? -1;
}
