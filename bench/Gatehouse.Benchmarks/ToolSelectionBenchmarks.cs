using System.Text;
using BenchmarkDotNet.Attributes;
using Gatehouse.Benchmarks.Tools;
using Gatehouse.Tools;
using Gatehouse.Usage;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Selecting from 500 tools (the first 500 of the tool-selection catalog, ../shared/data): the
/// ranking and cut alone over cached profiles, and the whole per-call work of the prefilter on a
/// request body (read tools and messages, look up 500 cached profiles by hash, select, splice).
/// Baseline: plain BM25 top-k over the same profiles.
/// </summary>
[MemoryDiagnoser]
public class ToolSelectionBenchmarks
{
    private List<ToolProfile> _profiles = null!;
    private ToolSignals _signals = null!;
    private byte[] _body = null!;
    private ToolProfileCache _cache = null!;
    private readonly ToolSelectionSettings _baseline = ToolSelectionCommand.Baseline(6);

    [GlobalSetup]
    public void Setup()
    {
        var data = ToolSelectionData.Load(FindData());
        var tools = data.Tools.Values.Take(500).ToList();
        _profiles = [.. tools.Select(t => t.Profile)];
        const string message = "What will the weather be like in Paris tomorrow, and can you convert 100 dollars to euros?";
        _signals = new ToolSignals();
        _signals.AddMessage("user", message, 0);
        _body = Encoding.UTF8.GetBytes($$"""{"model":"m","messages":[{"role":"system","content":"You are a travel assistant."},{"role":"user","content":"{{message}}"}],"tools":[{{string.Join(",", tools.Select(t => t.Definition.GetRawText()))}}]}""");
        _cache = new ToolProfileCache(TiktokenTokenCounter.Instance, new FixedOptionsMonitor());
        ToolRequestReader.Read(_body, _cache);
    }

    [Benchmark(Baseline = true)]
    public int PlainBm25TopK() => ToolSelector.Select(_profiles, _signals, _baseline).KeptCount;

    [Benchmark]
    public int Select500() => ToolSelector.Select(_profiles, _signals, ToolSelectionSettings.Default).KeptCount;

    [Benchmark]
    public int PrefilterBody500()
    {
        var request = ToolRequestReader.Read(_body, _cache)!;
        var selection = ToolSelector.Select(request.Profiles, request.Signals, ToolSelectionSettings.Default);
        using var body = ToolBodyWriter.Write(_body, request, selection.Kept, SearchToolDefinition.Json(SearchToolDefinition.DefaultName));
        return body.Length;
    }

    internal static string FindData()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "..", "shared", "data", "tool-selection");
            if (File.Exists(Path.Combine(candidate, "tools.jsonl")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tool-selection data not found (../shared/data/tool-selection)");
    }
}
