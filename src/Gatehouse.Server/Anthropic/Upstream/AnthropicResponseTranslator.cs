using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>
/// Rewrites an Anthropic message as an OpenAI <c>chat.completion</c> with one choice.
/// </summary>
/// <remarks>
/// Text blocks are concatenated into <c>content</c>; <c>thinking</c> blocks into
/// <c>reasoning_content</c> (the field DeepSeek and most gateways use), <c>redacted_thinking</c> and
/// server-tool blocks are dropped; <c>tool_use</c> blocks become <c>tool_calls</c>, except the forced
/// JSON tool's, whose input becomes the content.
/// </remarks>
internal static class AnthropicResponseTranslator
{
    /// <returns>False when the body is not an Anthropic message.</returns>
    public static bool TryTranslate(ReadOnlyMemory<byte> anthropicMessage, string model, long created, string? jsonToolName, out byte[] chatCompletion)
    {
        chatCompletion = [];
        try
        {
            using var document = JsonDocument.Parse(anthropicMessage);
            var message = document.RootElement;
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("content"u8, out var content)
                || content.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            var output = new ArrayBufferWriter<byte>(anthropicMessage.Length + 256);
            using (var writer = new Utf8JsonWriter(output, AnthropicJson.WriterOptions))
            {
                Write(writer, message, content, model, created, jsonToolName);
            }

            chatCompletion = output.WrittenSpan.ToArray();
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement message, JsonElement content, string model, long created, string? jsonToolName)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var toolCalls = new List<JsonElement>();
        var jsonViaTool = false;
        foreach (var block in content.EnumerateArray())
        {
            switch (String(block, "type"u8))
            {
                case "text":
                    text.Append(String(block, "text"u8));
                    break;
                case "thinking":
                    reasoning.Append(String(block, "thinking"u8));
                    break;
                case "tool_use" when jsonToolName is not null && String(block, "name"u8) == jsonToolName:
                    jsonViaTool = true;
                    text.Append(block.TryGetProperty("input"u8, out var input) ? input.GetRawText() : "{}");
                    break;
                case "tool_use":
                    toolCalls.Add(block);
                    break;
            }
        }

        writer.WriteStartObject();
        writer.WriteString("id"u8, "chatcmpl-" + String(message, "id"u8));
        writer.WriteString("object"u8, "chat.completion"u8);
        writer.WriteNumber("created"u8, created);
        writer.WriteString("model"u8, model);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        if (text.Length == 0 && toolCalls.Count > 0)
        {
            writer.WriteNull("content"u8);
        }
        else
        {
            writer.WriteString("content"u8, text.ToString());
        }

        if (reasoning.Length > 0)
        {
            writer.WriteString("reasoning_content"u8, reasoning.ToString());
        }

        writer.WriteNull("refusal"u8);
        if (toolCalls.Count > 0)
        {
            WriteToolCalls(writer, toolCalls);
        }

        writer.WriteEndObject();
        writer.WriteNull("logprobs"u8);
        writer.WriteString("finish_reason"u8, AnthropicStopReason.ToFinishReason(String(message, "stop_reason"u8), jsonViaTool && toolCalls.Count == 0));
        writer.WriteEndObject();
        writer.WriteEndArray();
        if (message.TryGetProperty("usage"u8, out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            AnthropicUsage.FromAnthropic(usage).WriteOpenAI(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, List<JsonElement> toolCalls)
    {
        writer.WriteStartArray("tool_calls"u8);
        foreach (var call in toolCalls)
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, String(call, "id"u8));
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, String(call, "name"u8));
            writer.WriteString("arguments"u8, call.TryGetProperty("input"u8, out var input) ? input.GetRawText() : "{}");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static string? String(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
