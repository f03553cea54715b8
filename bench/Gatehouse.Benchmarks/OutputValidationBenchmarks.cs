using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gatehouse.Executions;
using Json.Schema;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Checking an execution's output (<see cref="OutputValidator"/>, JsonSchema.Net 8): a code-review
/// schema (nested objects, an array of objects, enums, ranges, a pattern, required members, no
/// extra members) against a ~2 KB answer with 12 comments, valid and with 4 errors. Baseline:
/// <c>JsonDocument.Parse</c> of the same answer, which any JSON output costs anyway.
/// </summary>
[MemoryDiagnoser]
public class OutputValidationBenchmarks
{
    private const string Schema = """
        {"type":"object","additionalProperties":false,
         "required":["verdict","score","summary","comments","labels"],
         "properties":{
           "verdict":{"type":"string","enum":["approve","request_changes","comment"]},
           "score":{"type":"integer","minimum":1,"maximum":10},
           "summary":{"type":"string","minLength":10,"maxLength":2000},
           "labels":{"type":"array","items":{"type":"string","pattern":"^[a-z][a-z0-9-]*$"},"uniqueItems":true,"maxItems":10},
           "comments":{"type":"array","maxItems":50,"items":{"type":"object","additionalProperties":false,
             "required":["file","line","severity","text"],
             "properties":{
               "file":{"type":"string","minLength":1},
               "line":{"type":"integer","minimum":1},
               "severity":{"type":"string","enum":["info","warning","error"]},
               "text":{"type":"string","minLength":1},
               "suggestion":{"type":["string","null"]}}}}}}
        """;

    private OutputValidator _validator = null!;
    private JsonSchema _schema = null!;
    private string _validText = null!;
    private JsonElement _valid;
    private JsonElement _invalid;
    private ChatAnswer _validAnswer = null!;
    private ChatAnswer _invalidAnswer = null!;
    private JsonElement _schemaElement;

    [GlobalSetup]
    public void Setup()
    {
        _schemaElement = JsonDocument.Parse(Schema).RootElement.Clone();
        var call = new RenderedCall { Model = "m", Messages = JsonDocument.Parse("[]").RootElement.Clone(), OutputSchema = _schemaElement };
        if (!OutputValidator.TryCreate(call, out _validator, out var error))
        {
            throw new InvalidOperationException(error);
        }

        _schema = JsonSchema.Build(_schemaElement, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        _validText = Answer(valid: true);
        var invalidText = Answer(valid: false);
        _valid = JsonDocument.Parse(_validText).RootElement.Clone();
        _invalid = JsonDocument.Parse(invalidText).RootElement.Clone();
        _validAnswer = new ChatAnswer(_validText, null, "stop");
        _invalidAnswer = new ChatAnswer(invalidText, null, "stop");
        if (_validator.Check(_validAnswer).Status != ValidationStatuses.Passed || _validator.Check(_invalidAnswer).Errors.Count < 4)
        {
            throw new InvalidOperationException("The payloads do not validate as intended.");
        }
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse of the answer (baseline)")]
    public int Parse()
    {
        using var document = JsonDocument.Parse(_validText);
        return document.RootElement.GetProperty("comments").GetArrayLength();
    }

    [Benchmark(Description = "OutputValidator.Check, valid (parse + evaluate)")]
    public string CheckValid() => _validator.Check(_validAnswer).Status;

    [Benchmark(Description = "OutputValidator.Check, 4 errors (parse + evaluate + issues)")]
    public int CheckInvalid() => _validator.Check(_invalidAnswer).Errors.Count;

    [Benchmark(Description = "JsonSchema.Evaluate only, valid, List output")]
    public bool EvaluateValid() => _schema.Evaluate(_valid, new EvaluationOptions { OutputFormat = OutputFormat.List }).IsValid;

    [Benchmark(Description = "JsonSchema.Evaluate only, valid, Flag output")]
    public bool EvaluateValidFlag() => _schema.Evaluate(_valid, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;

    [Benchmark(Description = "JsonSchema.Evaluate only, 4 errors, List output")]
    public bool EvaluateInvalid() => _schema.Evaluate(_invalid, new EvaluationOptions { OutputFormat = OutputFormat.List }).IsValid;

    [Benchmark(Description = "JsonSchema.Build (once per execution)")]
    public JsonSchema Build() => JsonSchema.Build(_schemaElement, new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    private static string Answer(bool valid)
    {
        var comments = string.Join(",", Enumerable.Range(1, 12).Select(i =>
            $$"""{"file":"src/Gatehouse.Server/Executions/File{{i}}.cs","line":{{(valid || i != 3 ? i * 7 : 0)}},"severity":"{{(valid || i != 5 ? (i % 3 == 0 ? "warning" : "info") : "fatal")}}","text":"Consider naming this so it says what it does; comment {{i}} explains why the current name misleads a reader.","suggestion":{{(i % 2 == 0 ? "null" : "\"Rename to WhatItDoes.\"")}}}"""));
        return $$"""{"verdict":"{{(valid ? "request_changes" : "reject")}}","score":{{(valid ? 6 : 11)}},"summary":"The change is sound but several names and two error paths need attention before it merges.","labels":["naming","error-handling"],"comments":[{{comments}}]}""";
    }
}
