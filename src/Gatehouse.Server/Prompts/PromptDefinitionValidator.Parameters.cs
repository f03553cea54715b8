using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatehouse.Prompts;

internal static partial class PromptDefinitionValidator
{
    public const int MaxTools = 128;

    /// <summary>Request fields a version cannot set as parameters, and where they come from instead.</summary>
    private static readonly Dictionary<string, string> s_reserved = new(StringComparer.Ordinal)
    {
        ["model"] = "Set the version's 'model'.",
        ["messages"] = "Set the version's 'messages'.",
        ["tools"] = "Set the version's 'tools'.",
        ["functions"] = "Set the version's 'tools'.",
        ["response_format"] = "Set the version's 'output.schema'.",
        ["stream"] = "Streaming is chosen per call, not per version.",
        ["stream_options"] = "Streaming is chosen per call, not per version.",
        ["n"] = "A prompt asks for one answer.",
    };

    private static void ValidateParameters(JsonElement? parameters, FieldErrors errors)
    {
        if (parameters is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add("parameters", "Parameters are an object of chat-completion fields under OpenAI's names, e.g. {\"temperature\":0.2,\"max_tokens\":800}.");
            return;
        }

        foreach (var parameter in value.EnumerateObject())
        {
            var field = "parameters." + parameter.Name;
            var problem = parameter.Name switch
            {
                _ when s_reserved.TryGetValue(parameter.Name, out var instead) => "Not a parameter. " + instead,
                "temperature" => Range(parameter.Value, 0, 2),
                "top_p" => Range(parameter.Value, 0, 1),
                "frequency_penalty" or "presence_penalty" => Range(parameter.Value, -2, 2),
                "max_tokens" or "max_completion_tokens" => parameter.Value.ValueKind == JsonValueKind.Number && parameter.Value.TryGetInt32(out var tokens) && tokens >= 1
                    ? null : "Must be a whole number of at least 1.",
                "seed" => parameter.Value.ValueKind == JsonValueKind.Number && parameter.Value.TryGetInt64(out _) ? null : "Must be a whole number.",
                "stop" => IsStop(parameter.Value) ? null : "Must be a string or an array of at most 4 strings.",
                _ => null,
            };
            if (problem is not null)
            {
                errors.Add(field, problem);
            }
        }
    }

    private static string? Range(JsonElement value, double low, double high) =>
        value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number >= low && number <= high
            ? null
            : $"Must be a number from {low} to {high}.";

    private static bool IsStop(JsonElement value) =>
        value.ValueKind == JsonValueKind.String
        || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= 4 && value.EnumerateArray().All(static s => s.ValueKind == JsonValueKind.String));

    private static void ValidateTools(JsonElement? tools, FieldErrors errors)
    {
        if (tools is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxTools)
        {
            errors.Add("tools", $"Tools are an array of at most {MaxTools} OpenAI tool definitions: {{\"type\":\"function\",\"function\":{{\"name\",\"description\",\"parameters\"}}}}.");
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var tool in value.EnumerateArray())
        {
            var field = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object
                || !tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function"
                || !tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                errors.Add(field, "A tool is {\"type\":\"function\",\"function\":{…}}.");
                continue;
            }

            if (!function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || !ToolName().IsMatch(name.GetString()!))
            {
                errors.Add(field + ".function.name", "A tool name is 1 to 64 letters, digits, '_' and '-'.");
            }
            else if (!names.Add(name.GetString()!))
            {
                errors.Add(field + ".function.name", $"Two tools are named '{name.GetString()}'.");
            }

            if (function.TryGetProperty("parameters", out var schema))
            {
                foreach (var problem in PromptSchemaCheck.Problems(schema))
                {
                    errors.Add(field + ".function.parameters", problem);
                }
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ToolName();
}
