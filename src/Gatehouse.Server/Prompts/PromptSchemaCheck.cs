using System.Text.Json;
using Json.Schema;

namespace Gatehouse.Prompts;

/// <summary>
/// Whether a JSON Schema is one (JsonSchema.Net, draft 2020-12 unless it says otherwise): checked
/// against the meta-schema, then loaded, so a version never stores a schema an execution cannot
/// validate with. Problems name the place in the schema.
/// </summary>
internal static class PromptSchemaCheck
{
    public const int MaxProblems = 10;

    public static IReadOnlyList<string> Problems(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return ["A schema here is a JSON object, e.g. {\"type\":\"object\",\"properties\":{…}}."];
        }

        var problems = new List<string>();
        var evaluation = MetaSchemas.Draft202012.Evaluate(schema, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!evaluation.IsValid)
        {
            foreach (var detail in evaluation.Details ?? [])
            {
                foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
                {
                    var at = detail.InstanceLocation.ToString();
                    problems.Add($"Not a valid JSON Schema at '{(at.Length == 0 ? "/" : at)}' ({keyword}): {message}");
                    if (problems.Count == MaxProblems)
                    {
                        return problems;
                    }
                }
            }
        }

        try
        {
            // A registry of its own, as OutputValidator does: the default one is process-wide and not safe
            // for concurrent builds (two hosts importing prompts at once corrupted its dictionary, and
            // every later build in the process failed), and a prompt's $id must not clash with another's.
            JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
        catch (Exception ex) when (ex is JsonSchemaException or JsonException or InvalidOperationException or ArgumentException)
        {
            problems.Add("Not a valid JSON Schema: " + ex.Message);
        }

        return problems.Count > 0 || evaluation.IsValid ? problems : ["Not a valid JSON Schema."];
    }
}
