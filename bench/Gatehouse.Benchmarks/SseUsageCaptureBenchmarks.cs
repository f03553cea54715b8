using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gatehouse.OpenAI;
using Gatehouse.Usage;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Stream path: per-event usage capture over one realistic stream (role chunk, 50 content chunks,
/// finish chunk, usage chunk; see <see cref="Payloads.StreamChunks"/>). Baseline: a full
/// <see cref="Utf8JsonReader"/> pass over every chunk, what a naive "parse every event" relay pays.
/// Each benchmark processes the whole stream (52 events) once.
/// </summary>
[MemoryDiagnoser]
public class SseUsageCaptureBenchmarks
{
    private byte[][] _chunks = [];
    private byte[] _usageChunk = [];

    [GlobalSetup]
    public void Setup()
    {
        _chunks = Payloads.StreamChunks(50);
        _usageChunk = _chunks[^1];
    }

    [Benchmark(Baseline = true, Description = "Utf8JsonReader pass over every chunk (baseline)")]
    public long ParseEveryChunk()
    {
        long consumed = 0;
        foreach (var chunk in _chunks)
        {
            var reader = new Utf8JsonReader(chunk);
            while (reader.Read())
            {
            }

            consumed += reader.BytesConsumed;
        }

        return consumed;
    }

    [Benchmark(Description = "MayContainUsage over every chunk")]
    public int PreCheckOnly()
    {
        var hits = 0;
        foreach (var chunk in _chunks)
        {
            if (OpenAIUsageReader.MayContainUsage(chunk))
            {
                hits++;
            }
        }

        return hits;
    }

    [Benchmark(Description = "MayContainUsage + TryRead (gateway's capture)")]
    public int Capture()
    {
        TokenUsage found = default;
        foreach (var chunk in _chunks)
        {
            if (OpenAIUsageReader.MayContainUsage(chunk) && OpenAIUsageReader.TryRead(chunk, out var usage))
            {
                found = usage;
            }
        }

        return found.TotalTokens;
    }

    /// <summary>
    /// What <c>StreamRelay.OnEvent</c> does per event today: the capture above, plus copying every
    /// event seen before the usage chunk into a retained buffer (kept in case the upstream sends
    /// no usage and tokens must be estimated). Mirrors <c>StreamState.Retain</c>; not the production type.
    /// </summary>
    [Benchmark(Description = "Capture + retain-until-usage (StreamRelay.OnEvent today)")]
    public int CaptureAndRetain()
    {
        TokenUsage? found = null;
        ArrayBufferWriter<byte>? retained = null;
        foreach (var chunk in _chunks)
        {
            if (OpenAIUsageReader.MayContainUsage(chunk) && OpenAIUsageReader.TryRead(chunk, out var usage))
            {
                found = usage;
            }
            else if (found is null)
            {
                retained ??= new ArrayBufferWriter<byte>(4096);
                retained.Write(chunk);
                retained.Write("\n"u8);
            }
        }

        return (found?.TotalTokens ?? 0) + (retained?.WrittenCount ?? 0);
    }

    [Benchmark(Description = "TryRead on the usage chunk only")]
    public int TryReadUsageChunk() => OpenAIUsageReader.TryRead(_usageChunk, out var usage) ? usage.TotalTokens : -1;
}
