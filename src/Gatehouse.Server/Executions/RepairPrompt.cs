using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gatehouse.Executions;

/// <summary>
/// The turns that send a failed output back to the model: its own answer, then a user message
/// listing what was wrong and asking for the corrected output only.
/// </summary>
internal static class RepairPrompt
{
    public static JsonElement[] TurnsFor(string? rawOutput, IReadOnlyList<ValidationIssue> issues)
    {
        var request = new StringBuilder("Your previous answer did not match the required output format. Problems found:\n");
        foreach (var issue in issues)
        {
            request.Append("- ").Append(issue.Path.Length == 0 ? "(whole output)" : issue.Path).Append(": ").Append(issue.Message).Append('\n');
        }

        request.Append("Reply again with only the corrected JSON output, with no explanation and no code fence.");
        return [Message("assistant", rawOutput ?? ""), Message("user", request.ToString())];
    }

    private static JsonElement Message(string role, string content)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("role", role);
            writer.WriteString("content", content);
            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }
}
