using BenchmarkDotNet.Attributes;
using Gatehouse.Usage;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Pricing a call: <see cref="PriceTable.TryGet"/> on the embedded LiteLLM table and
/// <see cref="CostCalculator.Compute"/>. Baselines: a plain ordinal dictionary lookup, and the two
/// multiplications a naive "input × price + output × price" costs.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CostBenchmarks
{
    private PriceTable _table = null!;
    private Dictionary<string, ModelPrice> _plain = null!;
    private ModelPrice _price = null!;
    private readonly TokenUsage _usage = new(InputTokens: 1_200, OutputTokens: 350, CachedInputTokens: 400, ReasoningTokens: 0);
    private readonly TokenUsage _longUsage = new(InputTokens: 250_000, OutputTokens: 2_000, CachedInputTokens: 100_000, ReasoningTokens: 800);
    private ModelPrice _longPrice = null!;

    [GlobalSetup]
    public void Setup()
    {
        _table = PriceTable.LoadEmbedded();
        _plain = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        foreach (var model in _table.Models)
        {
            _table.TryGet(model, out var p);
            _plain[model] = p!;
        }

        _table.TryGet("gpt-4o-mini", out var price);
        _price = price ?? throw new InvalidOperationException("gpt-4o-mini missing from the price table");
        _longPrice = _table.TryGet("gemini-2.5-pro", out var lp) ? lp : _price;
    }

    [Benchmark(Baseline = true, Description = "Dictionary.TryGetValue (baseline)")]
    [BenchmarkCategory("lookup")]
    public ModelPrice? DictionaryLookup() => _plain.TryGetValue("gpt-4o-mini", out var p) ? p : null;

    [Benchmark(Description = "PriceTable.TryGet exact")]
    [BenchmarkCategory("lookup")]
    public ModelPrice? TryGetExact() => _table.TryGet("gpt-4o-mini", out var p) ? p : null;

    [Benchmark(Description = "PriceTable.TryGet ignore-case")]
    [BenchmarkCategory("lookup")]
    public ModelPrice? TryGetIgnoreCase() => _table.TryGet("GPT-4o-Mini", out var p) ? p : null;

    [Benchmark(Description = "PriceTable.TryGet provider/ prefix")]
    [BenchmarkCategory("lookup")]
    public ModelPrice? TryGetPrefixed() => _table.TryGet("openrouter/openai/gpt-4o-mini", out var p) ? p : null;

    [Benchmark(Description = "PriceTable.TryGet unknown")]
    [BenchmarkCategory("lookup")]
    public ModelPrice? TryGetUnknown() => _table.TryGet("acme/unknown-model-7b", out var p) ? p : null;

    [Benchmark(Baseline = true, Description = "in*p + out*q (baseline)")]
    [BenchmarkCategory("compute")]
    public decimal NaiveCost() => (_usage.InputTokens * _price.InputPerToken) + (_usage.OutputTokens * _price.OutputPerToken);

    [Benchmark(Description = "CostCalculator.Compute().Total")]
    [BenchmarkCategory("compute")]
    public decimal Compute() => CostCalculator.Compute(_usage, _price).Total;

    [Benchmark(Description = "CostCalculator.Compute().Total, >200k + reasoning")]
    [BenchmarkCategory("compute")]
    public decimal ComputeLongContext() => CostCalculator.Compute(_longUsage, _longPrice).Total;

    /// <summary>The <c>x-gatehouse-cost-usd</c> header value as <c>UsageMeter.WriteHeaders</c> formats it.</summary>
    [Benchmark(Description = "cost header ToString(\"0.##########\")")]
    [BenchmarkCategory("compute")]
    public string FormatCostHeader() => CostCalculator.Compute(_usage, _price).Total.ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture);
}
