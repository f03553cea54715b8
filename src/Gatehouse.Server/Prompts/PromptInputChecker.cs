using System.Text.Json;

namespace Gatehouse.Prompts;

/// <summary>
/// Checks a render's inputs against a version's variables — missing required ones, wrong types,
/// values an enum does not allow, names the version does not declare — all of them, each under
/// <c>inputs.&lt;name&gt;</c>, and builds the data the templates are rendered with.
/// </summary>
internal static class PromptInputChecker
{
    public static Dictionary<string, object?> Check(
        IReadOnlyList<VariableSpec> variables, IReadOnlyDictionary<string, JsonElement>? inputs, FieldErrors errors, Dictionary<string, JsonElement> effective)
    {
        // Every declared variable is present in the data, null when not given, so {{#if optional}} works.
        var data = new Dictionary<string, object?>(variables.Count, StringComparer.Ordinal);
        foreach (var variable in variables)
        {
            JsonElement value = default;
            var given = inputs is not null && inputs.TryGetValue(variable.Name, out value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
            if (!given)
            {
                if (variable.Required)
                {
                    errors.Add(Field(variable.Name), $"Required {VariableSpec.TypeName(variable.Type)} variable '{variable.Name}' is missing.");
                }
                else if (variable.Default is { } fallback)
                {
                    effective[variable.Name] = fallback;
                    data[variable.Name] = TemplateValues.From(fallback);
                }
                else
                {
                    data[variable.Name] = null;
                }

                continue;
            }

            if (variable.Problem(value) is { } problem)
            {
                errors.Add(Field(variable.Name), problem);
                continue;
            }

            effective[variable.Name] = value;
            data[variable.Name] = TemplateValues.From(value);
        }

        foreach (var name in inputs?.Keys ?? Enumerable.Empty<string>())
        {
            if (!variables.Any(v => string.Equals(v.Name, name, StringComparison.Ordinal)))
            {
                errors.Add(Field(name), variables.Count == 0
                    ? $"Unknown variable '{name}': this version declares no variables."
                    : $"Unknown variable '{name}': this version declares {string.Join(", ", variables.Select(v => v.Name))}.");
            }
        }

        return data;
    }

    public static string Field(string name) => "inputs." + name;
}
