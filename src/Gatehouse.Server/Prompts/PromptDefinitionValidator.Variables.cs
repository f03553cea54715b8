using System.Text.RegularExpressions;

namespace Gatehouse.Prompts;

internal static partial class PromptDefinitionValidator
{
    public const int MaxVariables = 100;
    public const int MaxEnumValues = 200;

    private static List<PromptVariable> ValidateVariables(IReadOnlyList<PromptVariable>? variables, FieldErrors errors)
    {
        var normalized = new List<PromptVariable>();
        if (variables is null)
        {
            return normalized;
        }

        if (variables.Count > MaxVariables)
        {
            errors.Add("variables", $"At most {MaxVariables} variables.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < variables.Count; i++)
        {
            var variable = variables[i];
            var field = $"variables[{i}]";
            var name = variable?.Name?.Trim();
            if (name is null || !VariableName().IsMatch(name))
            {
                errors.Add(field + ".name", "A variable name is 1 to 64 letters, digits and '_', not starting with a digit.");
            }
            else if (!names.Add(name))
            {
                errors.Add(field + ".name", $"'{name}' is declared twice.");
            }

            if (!VariableSpec.TryParseType(variable?.Type, out var type))
            {
                errors.Add(field + ".type", "The type must be one of: string, number, boolean, enum, array, object.");
            }

            var values = variable?.Values;
            if (type == PromptVariableType.Enum)
            {
                if (values is not { Count: > 0 } || values.Count > MaxEnumValues || values.Any(string.IsNullOrEmpty))
                {
                    errors.Add(field + ".values", $"An enum variable lists its allowed values: 1 to {MaxEnumValues} non-empty strings.");
                }
                else if (values.Distinct(StringComparer.Ordinal).Count() != values.Count)
                {
                    errors.Add(field + ".values", "The allowed values repeat.");
                }
            }
            else if (values is not null)
            {
                errors.Add(field + ".values", "Only enum variables list allowed values.");
                values = null;
            }

            var fallback = variable?.Default is { ValueKind: not System.Text.Json.JsonValueKind.Null } d ? d.Clone() : (System.Text.Json.JsonElement?)null;
            if (fallback is { } given && variable is not null)
            {
                if (variable.Required)
                {
                    errors.Add(field + ".default", "A required variable takes no default: the caller must give it. Make it optional to use a default.");
                }
                else if (!errors.Has(field + ".type") && !errors.Has(field + ".values")
                    && new VariableSpec(name ?? "", type, false, null, values ?? []).Problem(given) is { } problem)
                {
                    errors.Add(field + ".default", problem);
                }
            }

            normalized.Add(new PromptVariable
            {
                Name = name,
                Type = VariableSpec.TypeName(type),
                Required = variable?.Required ?? false,
                Default = fallback,
                Description = string.IsNullOrWhiteSpace(variable?.Description) ? null : variable.Description.Trim(),
                Values = values is null ? null : [.. values],
            });
        }

        return normalized;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();
}
