using System.Text.Json;

namespace Gatehouse.Simulator;

/// <summary>
/// Decides whether a choice calls a tool and which one, from <c>tool_choice</c> and, for
/// <c>auto</c>, from the words the last user message shares with each tool's name and description.
/// </summary>
internal static class ToolSelector
{
    /// <summary>The function definition to call, or undefined to answer with text.</summary>
    public static JsonElement Select(ChatRequest request, SimulatorRandom random)
    {
        if (!request.HasTools) return default;
        var choice = request.ToolChoice;
        if (choice.ValueKind == JsonValueKind.Object)
        {
            var name = choice.TryGetProperty("function", out var f) && f.TryGetProperty("name", out var n) ? n.GetString() : null;
            return name is null ? default : Find(request.Tools, name);
        }

        var mode = choice.ValueKind == JsonValueKind.String ? choice.GetString() : "auto";
        if (mode == "none") return default;

        var (best, score) = MostRelevant(request, random);
        if (mode == "required") return best;
        return score > 0 ? best : default;
    }

    /// <summary>The function object (<c>tools[i].function</c>) with that name, or undefined.</summary>
    public static JsonElement Find(JsonElement tools, string name)
    {
        foreach (var tool in tools.EnumerateArray())
        {
            if (Function(tool) is { ValueKind: JsonValueKind.Object } f && f.TryGetProperty("name", out var n) && n.ValueEquals(name))
            {
                return f;
            }
        }

        return default;
    }

    private static (JsonElement Function, int Score) MostRelevant(ChatRequest request, SimulatorRandom random)
    {
        var last = request.Messages[request.Messages.GetArrayLength() - 1];
        var role = last.ValueKind == JsonValueKind.Object && last.TryGetProperty("role", out var r) ? r.GetString() : null;
        var text = role == "user" && last.TryGetProperty("content", out var c) ? PromptTokenCounter.Text(c) : null;
        var words = text is null ? [] : new HashSet<string>(Words(text), StringComparer.OrdinalIgnoreCase);

        var functions = request.Tools.EnumerateArray().Select(Function).Where(static f => f.ValueKind == JsonValueKind.Object).ToList();
        if (functions.Count == 0) return (default, 0);
        var best = functions[random.Next(functions.Count)];
        var bestScore = 0;
        foreach (var function in functions)
        {
            var score = 0;
            foreach (var word in Words(Describe(function)))
            {
                if (word.Length >= 4 && words.Contains(word)) score++;
            }

            if (score > bestScore) (best, bestScore) = (function, score);
        }

        return (best, bestScore);
    }

    private static JsonElement Function(JsonElement tool) =>
        tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("function", out var f) ? f : default;

    private static string Describe(JsonElement function)
    {
        var name = function.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        var description = function.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "";
        return name + " " + description;
    }

    /// <summary>Splits on anything but letters and digits, and splits camelCase names.</summary>
    private static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var boundary = i == text.Length || !char.IsLetterOrDigit(text[i]) ||
                (i > 0 && char.IsUpper(text[i]) && char.IsLower(text[i - 1]));
            if (boundary && start >= 0)
            {
                yield return text[start..i];
                start = -1;
            }

            if (i < text.Length && char.IsLetterOrDigit(text[i]) && start < 0) start = i;
        }
    }
}
