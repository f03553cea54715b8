using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Gatehouse.Executions;

/// <summary>
/// Checks a model's output against its contract: valid JSON when the call asks for JSON, and valid
/// against the JSON Schema when it has one (JsonSchema.Net, every error listed with its location).
/// Built once per execution; every attempt is checked by the same compiled schema.
/// </summary>
internal sealed class OutputValidator
{
    /// <summary>Enough for the model to fix its answer; more only makes the repair prompt longer.</summary>
    public const int MaxIssues = 20;

    // Flag first: a verdict without a result node per schema location, which is most of the cost.
    // Only an invalid answer is evaluated again with List, for the issues the repair prompt needs.
    private static readonly EvaluationOptions s_verdict = new() { OutputFormat = OutputFormat.Flag };
    private static readonly EvaluationOptions s_issues = new() { OutputFormat = OutputFormat.List };

    private readonly JsonSchema? _schema;
    private readonly bool _json;

    private OutputValidator(JsonSchema? schema, bool json)
    {
        _schema = schema;
        _json = json;
    }

    /// <summary>True when outputs are checked at all (there is a schema, or JSON was asked for).</summary>
    public bool Validates => _json;

    /// <summary>The validator for <paramref name="call"/>, or false with the reason when its schema is not a schema.</summary>
    public static bool TryCreate(RenderedCall call, out OutputValidator validator, out string? error)
    {
        error = null;
        JsonSchema? schema = null;
        if (call.OutputSchema is { } schemaJson)
        {
            try
            {
                // A registry of its own: a schema's $id must not clash with another execution's.
                schema = JsonSchema.Build(schemaJson, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            }
            catch (Exception ex) when (ex is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException)
            {
                validator = new OutputValidator(null, false);
                error = "The output schema is not a valid JSON Schema: " + ex.Message;
                return false;
            }
        }

        validator = new OutputValidator(schema, schema is not null || call.JsonOutput);
        return true;
    }

    /// <summary>Checks one answer. Text outputs pass unchecked; tool calls without text have nothing to check.</summary>
    public OutputCheck Check(ChatAnswer answer)
    {
        var content = answer.Content;
        if (!_json || (content is null && answer.ToolCalls is not null))
        {
            return new OutputCheck(ValidationStatuses.Skipped, content is null ? null : JsonSerializer.SerializeToElement(content, ExecutionJsonContext.Default.String), []);
        }

        if (!TryParse(content, out var parsed, out var parseError))
        {
            var text = content is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(content, ExecutionJsonContext.Default.String);
            return new OutputCheck(ValidationStatuses.Failed, text, [new ValidationIssue("", parseError!)]);
        }

        if (_schema is null)
        {
            return new OutputCheck(ValidationStatuses.Passed, parsed, []);
        }

        var issues = Evaluate(parsed);
        return new OutputCheck(issues.Count == 0 ? ValidationStatuses.Passed : ValidationStatuses.Failed, parsed, issues);
    }

    /// <summary>The schema's verdict on <paramref name="output"/>: empty when valid.</summary>
    public IReadOnlyList<ValidationIssue> Evaluate(JsonElement output)
    {
        try
        {
            return EvaluateCore(output);
        }
        catch (RegexMatchTimeoutException ex)
        {
            // A pattern that backtracks without end on this output (see Hosting/RegexTimeout): the
            // answer cannot be shown to match, so it does not pass; checking stops at the first.
            return [new ValidationIssue("", $"The output could not be checked against the schema's pattern '{ex.Pattern}' within {ex.MatchTimeout.TotalSeconds:0.###} s; simplify the pattern (nested quantifiers such as (a+)+ backtrack exponentially).")];
        }
    }

    private List<ValidationIssue> EvaluateCore(JsonElement output)
    {
        if (_schema!.Evaluate(output, s_verdict).IsValid)
        {
            return [];
        }

        var results = _schema.Evaluate(output, s_issues);
        var issues = new List<ValidationIssue>();
        foreach (var node in (results.Details ?? []).Prepend(results))
        {
            if (node.Errors is not { Count: > 0 } errors)
            {
                continue;
            }

            foreach (var (keyword, message) in errors)
            {
                issues.Add(new ValidationIssue(node.InstanceLocation.ToString(), $"{message} ({keyword})"));
                if (issues.Count == MaxIssues)
                {
                    return issues;
                }
            }
        }

        return issues.Count > 0 ? issues : [new ValidationIssue("", "The output does not match the schema.")];
    }

    /// <summary>Parses the output as JSON. Models often wrap JSON in a Markdown code fence; the fence is not part of the answer.</summary>
    private static bool TryParse(string? content, out JsonElement parsed, out string? error)
    {
        parsed = default;
        if (string.IsNullOrWhiteSpace(content))
        {
            error = "The output is empty; a JSON value was expected.";
            return false;
        }

        var text = content.AsSpan().Trim();
        if (text.StartsWith("```") && text.EndsWith("```") && text.Length >= 6)
        {
            text = text[3..^3];
            var firstLine = text.IndexOf('\n');
            text = (firstLine >= 0 ? text[(firstLine + 1)..] : text).Trim();
        }

        try
        {
            using var document = JsonDocument.Parse(text.ToString());
            parsed = document.RootElement.Clone();
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"The output is not valid JSON: {ex.Message}";
            return false;
        }
    }
}
