using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gatehouse.OpenAI;
using Gatehouse.Providers;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Request path: validating the client's body and extracting model/stream (<see cref="OpenAIRequestReader"/>),
/// then splicing the upstream body (<see cref="RequestRewriter"/>). Baseline: one bare
/// <see cref="Utf8JsonReader"/> pass over the same bytes, the floor for any validating reader.
/// </summary>
[MemoryDiagnoser]
public class RequestParsingBenchmarks
{
    private byte[] _body = [];
    private ParsedRequest _parsed = null!;

    [Params("chat-1KB", "chat-1KB-stream", "tools-30KB")]
    public string Body { get; set; } = "chat-1KB";

    [GlobalSetup]
    public void Setup()
    {
        _body = Body switch
        {
            "chat-1KB" => Payloads.Chat1K,
            "chat-1KB-stream" => Payloads.Chat1KStream,
            _ => Payloads.Tools30K,
        };
        _parsed = OpenAIRequestReader.Read(_body, ApiOperation.ChatCompletions, out var error)
            ?? throw new InvalidOperationException($"benchmark body rejected: {error}");
    }

    [Benchmark(Baseline = true, Description = "Utf8JsonReader pass (baseline)")]
    public long ReaderPass()
    {
        var reader = new Utf8JsonReader(_body);
        while (reader.Read())
        {
        }

        return reader.BytesConsumed;
    }

    [Benchmark(Description = "JsonDocument.Parse")]
    public int JsonDocumentParse()
    {
        using var document = JsonDocument.Parse(_body);
        return document.RootElement.GetArrayLengthOrZero();
    }

    [Benchmark(Description = "OpenAIRequestReader.Read")]
    public bool Read() => OpenAIRequestReader.Read(_body, ApiOperation.ChatCompletions, out _) is not null;

    [Benchmark(Description = "RequestRewriter.Rewrite")]
    public int Rewrite()
    {
        using var rewritten = RequestRewriter.Rewrite(_body, _parsed, Payloads.UpstreamModelJson);
        return rewritten.Length;
    }

    [Benchmark(Description = "Read + Rewrite")]
    public int ReadAndRewrite()
    {
        var parsed = OpenAIRequestReader.Read(_body, ApiOperation.ChatCompletions, out _)!;
        using var rewritten = RequestRewriter.Rewrite(_body, parsed, Payloads.UpstreamModelJson);
        return rewritten.Length;
    }
}

internal static class JsonElementExtensions
{
    public static int GetArrayLengthOrZero(this JsonElement element) => element.ValueKind == JsonValueKind.Array ? element.GetArrayLength() : 0;
}
