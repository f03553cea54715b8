using System.Text.Json;
using Gatehouse.Tools;
using Gatehouse.Usage;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>
/// The tool-selection data set (../shared/data/tool-selection, see its README): the catalog as
/// OpenAI tool definitions with their profiles, and the cases. Multi-turn histories carry the
/// earlier turns' calls as text (<c>[cd(folder='x'), mkdir(...)]</c>); a real client sends those as
/// assistant <c>tool_calls</c>, so they are read as such (the "used earlier" rule sees them).
/// </summary>
internal sealed class ToolSelectionData
{
    public required Dictionary<string, CatalogTool> Tools { get; init; }

    public required List<SelectionCase> Cases { get; init; }

    public static ToolSelectionData Load(string directory, bool irrelevant = false)
    {
        var tools = new Dictionary<string, CatalogTool>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(directory, "tools.jsonl")))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var name = root.GetProperty("name").GetString()!;
            var definition = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
            {
                ["type"] = "function",
                ["function"] = new Dictionary<string, JsonElement>
                {
                    ["name"] = root.GetProperty("name").Clone(),
                    ["description"] = root.GetProperty("description").Clone(),
                    ["parameters"] = root.GetProperty("parameters").Clone(),
                },
            });
            var source = root.GetProperty("source").GetString()!;
            var original = root.TryGetProperty("original_name", out var o) ? o.GetString()! : name;
            tools[name] = new CatalogTool(name, source, $"{source}:{original}", definition, ToolProfileBuilder.Build(definition, TiktokenTokenCounter.Instance));
        }

        var cases = new List<SelectionCase>();
        var file = irrelevant ? "queries-dev-irrelevant.jsonl" : "queries-dev.jsonl";
        foreach (var line in File.ReadLines(Path.Combine(directory, file)))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var history = new List<(string Role, string Content)>();
            if (root.TryGetProperty("history", out var h))
            {
                foreach (var message in h.EnumerateArray())
                {
                    history.Add((message.GetProperty("role").GetString()!, message.GetProperty("content").ValueKind == JsonValueKind.String ? message.GetProperty("content").GetString()! : message.GetProperty("content").GetRawText()));
                }
            }

            cases.Add(new SelectionCase(
                root.GetProperty("id").GetString()!,
                root.GetProperty("source").GetString()!,
                root.GetProperty("message").GetString()!,
                history,
                [.. root.GetProperty("gold_tools").EnumerateArray().Select(e => e.GetString()!)],
                [.. root.GetProperty("candidate_tools").EnumerateArray().Select(e => e.GetString()!)]));
        }

        return new ToolSelectionData { Tools = tools, Cases = cases };
    }
}

internal sealed record CatalogTool(string Name, string Source, string Group, JsonElement Definition, ToolProfile Profile);

internal sealed record SelectionCase(string Id, string Source, string Message, List<(string Role, string Content)> History, string[] Gold, string[] Candidates)
{
    /// <summary>Dev (tuning) or check half, by a hash of the case id: stable, and blind to content.</summary>
    public bool InTuningHalf => (System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(Id)) & 1) == 0;

    /// <summary>The signals the gateway would read from this conversation.</summary>
    public ToolSignals Signals()
    {
        var signals = new ToolSignals();
        var userTurnsAfter = 0;
        signals.AddMessage("user", Message, 0);
        for (var i = History.Count - 1; i >= 0; i--)
        {
            var (role, content) = History[i];
            if (role == "assistant" && content.StartsWith('['))
            {
                foreach (var call in CalledNames(content))
                {
                    signals.UsedTools.Add(call);
                }

                continue;
            }

            if (role == "user")
            {
                userTurnsAfter++;
            }

            signals.AddMessage(role, content, role == "user" ? userTurnsAfter : Math.Max(0, userTurnsAfter));
        }

        return signals;
    }

    /// <summary>The function names in a call list written as text: <c>[cd(folder='x'), mv(a, b)]</c>.</summary>
    private static IEnumerable<string> CalledNames(string calls)
    {
        var depth = 0;
        var start = 1;
        for (var i = 1; i < calls.Length; i++)
        {
            var c = calls[i];
            if (c == '(')
            {
                if (depth == 0)
                {
                    yield return calls[start..i].Trim(' ', ',', '[');
                }

                depth++;
            }
            else if (c == ')')
            {
                depth--;
                if (depth == 0)
                {
                    start = i + 1;
                }
            }
        }
    }
}
