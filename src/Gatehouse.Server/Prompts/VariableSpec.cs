using System.Text.Json;

namespace Gatehouse.Prompts;

/// <summary>A declared variable in the form input checks need: its parsed type and allowed values.</summary>
internal sealed record VariableSpec(string Name, PromptVariableType Type, bool Required, JsonElement? Default, IReadOnlyList<string> Values)
{
    public static bool TryParseType(string? value, out PromptVariableType type) =>
        Enum.TryParse(value, ignoreCase: true, out type) && !int.TryParse(value, out _);

    public static string TypeName(PromptVariableType type) => type.ToString().ToLowerInvariant();

    /// <summary>From a validated, normalized declaration.</summary>
    public static VariableSpec From(PromptVariable variable)
    {
        var type = TryParseType(variable.Type, out var parsed) ? parsed : throw new InvalidOperationException($"Variable '{variable.Name}' has an unknown type '{variable.Type}'.");
        return new(variable.Name!, type, variable.Required, variable.Default, variable.Values ?? []);
    }

    /// <summary>Why <paramref name="value"/> is not a value of this variable; null when it is.</summary>
    public string? Problem(JsonElement value)
    {
        var expected = Type switch
        {
            PromptVariableType.String or PromptVariableType.Enum => JsonValueKind.String,
            PromptVariableType.Number => JsonValueKind.Number,
            PromptVariableType.Array => JsonValueKind.Array,
            PromptVariableType.Object => JsonValueKind.Object,
            _ => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.ValueKind : JsonValueKind.True,
        };
        if (value.ValueKind != expected)
        {
            return $"Expected {Article(Type)}, got {Describe(value)}.";
        }

        if (Type == PromptVariableType.Enum && !Values.Contains(value.GetString()!, StringComparer.Ordinal))
        {
            return $"'{Shorten(value.GetString()!)}' is not allowed; use one of: {string.Join(", ", Values)}.";
        }

        return null;
    }

    private static string Article(PromptVariableType type) => type switch
    {
        PromptVariableType.String => "a string",
        PromptVariableType.Number => "a number",
        PromptVariableType.Boolean => "a boolean (true or false)",
        PromptVariableType.Enum => "one of the allowed strings",
        PromptVariableType.Array => "an array",
        _ => "an object",
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {Shorten(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    /// <summary>Inputs may be huge; an error message quotes only their start.</summary>
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
