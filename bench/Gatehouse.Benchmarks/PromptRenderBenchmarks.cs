using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gatehouse.Prompts;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Rendering prompts as executions do: the demo <c>code-review</c> prompt (enum, array, boolean,
/// a ~2 KB code input, JSON output schema) and <c>value-prop-synthesis</c> (five arrays of objects
/// looped over). "cached" is every call after the first for a version (templates compiled once);
/// "cold" compiles the templates as the first call does. Baseline: <c>string.Replace</c> of the
/// same placeholders, which checks nothing and cannot loop or branch.
/// </summary>
[MemoryDiagnoser]
public class PromptRenderBenchmarks
{
    private PromptRenderer _renderer = null!;
    private PromptVersion _codeReview = null!;
    private PromptVersion _synthesis = null!;
    private Dictionary<string, JsonElement> _codeReviewInputs = null!;
    private Dictionary<string, JsonElement> _synthesisInputs = null!;
    private string _codeReviewUserTemplate = null!;
    private string _code = null!;

    [GlobalSetup]
    public void Setup()
    {
        _renderer = new PromptRenderer(new PromptTemplateCache());
        _codeReview = LoadDemo("code-review");
        _synthesis = LoadDemo("value-prop-synthesis");
        _code = string.Concat(Enumerable.Range(0, 40).Select(i => $"    var total{i} = items.Where(x => x.Price > {i}).Sum(x => x.Price * x.Quantity);\n"));
        _codeReviewInputs = Inputs($$"""{"language":"csharp","code":{{JsonSerializer.Serialize(_code, PromptBenchJson.Default.String)}},"focus":["correctness","security","performance"],"strict":true}""");
        var item = """{"segment":"independent bakeries","pain":"orders arrive by phone and get lost"}""";
        var list = "[" + string.Join(",", Enumerable.Repeat(item, 4)) + "]";
        _synthesisInputs = Inputs($$"""{"company_name":"Crumb","customers":{{list}},"transformations":{{list}},"products":{{list}},"benefits":{{list}},"solutions":{{list}},"tone":"bold"}""");
        _codeReviewUserTemplate = _codeReview.Definition.Messages![1].Content!;
        if (!_renderer.Render(_codeReview, _codeReviewInputs).Succeeded || !_renderer.Render(_synthesis, _synthesisInputs).Succeeded)
        {
            throw new InvalidOperationException("The benchmark inputs do not render.");
        }
    }

    [Benchmark(Baseline = true, Description = "string.Replace of the user message (baseline)")]
    public string Replace() => _codeReviewUserTemplate.Replace("{{language}}", "csharp", StringComparison.Ordinal).Replace("{{code}}", _code, StringComparison.Ordinal);

    [Benchmark(Description = "Render code-review (cached)")]
    public object RenderCodeReview() => _renderer.Render(_codeReview, _codeReviewInputs);

    [Benchmark(Description = "Render value-prop-synthesis (cached)")]
    public object RenderSynthesis() => _renderer.Render(_synthesis, _synthesisInputs);

    [Benchmark(Description = "Render code-review + ToChatRequest JSON")]
    public string RenderCodeReviewToJson() => _renderer.Render(_codeReview, _codeReviewInputs).Prompt!.ToChatRequest().ToJsonString();

    [Benchmark(Description = "Cold: compile code-review templates")]
    public object CompileCodeReview() => CompiledPromptVersion.Compile(_codeReview.Definition);

    [Benchmark(Description = "Cold: render code-review with an empty cache")]
    public object RenderCodeReviewCold() => new PromptRenderer(new PromptTemplateCache()).Render(_codeReview, _codeReviewInputs);

    [Benchmark(Description = "Save-time check of code-review (validate + schema + scan)")]
    public object ValidateCodeReview() => PromptDefinitionValidator.Validate(_codeReview.Definition, modelExists: null, new FieldErrors());

    private static PromptVersion LoadDemo(string slug)
    {
        using var stream = typeof(PromptRenderer).Assembly.GetManifestResourceStream($"Gatehouse.Prompts.Demo.{slug}.json")!;
        var file = JsonSerializer.Deserialize(stream, PromptJsonContext.Default.PromptFile)!;
        var errors = new FieldErrors();
        var definition = PromptDefinitionValidator.Validate(file.ToDefinition(), modelExists: null, errors);
        return PromptService.NewVersion("prm_bench_" + slug, definition, null, Gatehouse.Keys.CallerIdentity.Master, DateTimeOffset.UnixEpoch) with { Version = 1 };
    }

    private static Dictionary<string, JsonElement> Inputs(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
}
