using BenchmarkDotNet.Attributes;
using Gatehouse.Benchmarks.Tools;
using Gatehouse.Providers.Local;
using Gatehouse.Tools;

namespace Gatehouse.Benchmarks;

/// <summary>
/// The in-process embedding model (<c>local-minilm</c>, all-MiniLM-L6-v2) as the tool prefilter uses
/// it with <c>Tools:EmbeddingModel</c> set to it: one short user message, the cost every prefiltered
/// call adds once tool vectors are cached; and 32 tool texts (one model run, the model's chunk), the
/// one-time cost per 32 tool definitions the gateway has not seen. Tools are 32 definitions spread
/// evenly over the tool-selection catalog (../shared/data; 31 BFCL and 1 MetaTool, the catalog's
/// proportion), written as <see cref="ToolEmbedder.TextOf"/> writes them. Allocations are managed ones only;
/// ONNX Runtime's native buffers are not seen by the diagnoser.
/// </summary>
[MemoryDiagnoser]
public class LocalEmbeddingBenchmarks
{
    /// <summary>The same message as <see cref="ToolSelectionBenchmarks"/> (17 words).</summary>
    private const string Message = "What will the weather be like in Paris tomorrow, and can you convert 100 dollars to euros?";

    private LocalEmbeddingModel _model = null!;
    private string[] _query = null!;
    private string[] _tools = null!;

    [GlobalSetup]
    public void Setup()
    {
        var catalog = ToolSelectionData.Load(ToolSelectionBenchmarks.FindData()).Tools.Values.ToList();
        _tools = [.. Enumerable.Range(0, 32).Select(i => ToolEmbedder.TextOf(catalog[i * catalog.Count / 32].Definition))];
        _query = [Message];
        _model = new LocalEmbeddingModels().Get(LocalEmbeddingModels.MiniLM)!;

        // Load the model here, not in the first measured call, and print what one call reads.
        var (_, queryTokens) = _model.EmbedAsync(_query, CancellationToken.None).GetAwaiter().GetResult();
        var (_, toolTokens) = _model.EmbedAsync(_tools, CancellationToken.None).GetAwaiter().GetResult();
        Console.WriteLine($"// query: {queryTokens} word pieces; 32 tools: {toolTokens} word pieces ({toolTokens / 32.0:0.0} per tool)");
    }

    [Benchmark]
    public async Task<int> EmbedQuery() => (await _model.EmbedAsync(_query, CancellationToken.None)).Tokens;

    [Benchmark]
    public async Task<int> EmbedTools32() => (await _model.EmbedAsync(_tools, CancellationToken.None)).Tokens;
}
