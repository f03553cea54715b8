using System.Text.Json;

namespace Gatehouse.Executions;

/// <summary>The assistant's answer in a chat completion: its text, its tool calls, why it stopped.</summary>
internal sealed record ChatAnswer(string? Content, JsonElement? ToolCalls, string? FinishReason)
{
    /// <summary>Reads the first choice of a (non-streamed) chat completion; null when the body is not one.</summary>
    public static ChatAnswer? FromCompletion(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            {
                return null;
            }

            var choice = choices[0];
            var message = choice.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            var content = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            JsonElement? toolCalls = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("tool_calls", out var t) && t.ValueKind == JsonValueKind.Array && t.GetArrayLength() > 0 ? t.Clone() : null;
            var finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            return new ChatAnswer(content, toolCalls, finish);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
