using BenchmarkDotNet.Attributes;
using Gatehouse.Simulator;
using Gatehouse.Usage;
using Microsoft.ML.Tokenizers;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Token counting (<see cref="TiktokenTokenCounter"/>, o200k) on ordinary prose and on one unbroken
/// run of a letter, the input that was quadratic (issue 12: 200,000 <c>a</c>s took 18 s). Beside it,
/// the tokenizer's own <c>CountTokens</c> as Gatehouse called it before, on the prose (the baseline:
/// bounding the pieces must cost ordinary text nothing) and on a 20,000-character run (200,000 would
/// take tens of seconds per operation).
/// </summary>
[MemoryDiagnoser]
public class TokenCountingBenchmarks
{
    private Tokenizer _tokenizer = null!;
    private string _prose = null!;
    private string _run20k = null!;
    private string _run200k = null!;
    private string _cjkRun20k = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o");
        _prose = SimulatedText.Generate(new SimulatorRandom(12), 40_000, hardLimit: false, TiktokenTokenCounter.Instance).Text;
        _run20k = new string('a', 20_000);
        _run200k = new string('a', 200_000);
        _cjkRun20k = new string('中', 20_000);
        if (TiktokenTokenCounter.Instance.CountTokens(_prose) != _tokenizer.CountTokens(_prose))
        {
            throw new InvalidOperationException("The bounded count of ordinary prose must be the tokenizer's own.");
        }
    }

    [Benchmark(Baseline = true, Description = "tokenizer as before, prose (~200 K chars)")]
    public int TokenizerProse() => _tokenizer.CountTokens(_prose);

    [Benchmark(Description = "TiktokenTokenCounter, prose (~200 K chars)")]
    public int CounterProse() => TiktokenTokenCounter.Instance.CountTokens(_prose);

    [Benchmark(Description = "tokenizer as before, 20,000 a's")]
    public int TokenizerRun20k() => _tokenizer.CountTokens(_run20k);

    [Benchmark(Description = "TiktokenTokenCounter, 20,000 a's")]
    public int CounterRun20k() => TiktokenTokenCounter.Instance.CountTokens(_run20k);

    [Benchmark(Description = "TiktokenTokenCounter, 200,000 a's")]
    public int CounterRun200k() => TiktokenTokenCounter.Instance.CountTokens(_run200k);

    [Benchmark(Description = "tokenizer as before, 20,000 中")]
    public int TokenizerCjkRun20k() => _tokenizer.CountTokens(_cjkRun20k);

    [Benchmark(Description = "TiktokenTokenCounter, 20,000 中")]
    public int CounterCjkRun20k() => TiktokenTokenCounter.Instance.CountTokens(_cjkRun20k);
}
