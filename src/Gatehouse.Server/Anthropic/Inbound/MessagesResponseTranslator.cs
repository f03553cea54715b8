using System.Buffers;
using System.Text.Json;

namespace Gatehouse.Anthropic.Inbound;

/// <summary>
/// Translates an OpenAI <c>chat.completion</c> into an Anthropic <c>message</c>:
/// id <c>msg_</c> + the completion id without <c>chatcmpl-</c>; the client's requested model;
/// content = a text block (when the first choice has text, or a refusal) then one <c>tool_use</c>
/// block per tool call (input = the parsed arguments; arguments that are not a JSON object become
/// <c>{}</c>, as Anthropic's input is always an object); stop_reason from
/// <see cref="AnthropicStopReason"/>; stop_sequence null; usage from <see cref="AnthropicUsage"/>.
/// </summary>
internal static class MessagesResponseTranslator
{
    /// <summary>Returns null when the body is not a chat completion (not JSON, or no choices).</summary>
    public static byte[]? Translate(ReadOnlyMemory<byte> completion, string requestedModel)
    {
        var output = new ArrayBufferWriter<byte>(completion.Length + 256);
        return TryTranslate(completion, requestedModel, output) ? output.WrittenSpan.ToArray() : null;
    }

    public static bool TryTranslate(ReadOnlyMemory<byte> completion, string requestedModel, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(completion);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
                || choices[0].ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var choice = choices[0];
            var message = choice.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            using var writer = new Utf8JsonWriter(output);
            writer.WriteStartObject();
            writer.WriteString("id"u8, MessageId(root));
            writer.WriteString("type"u8, "message"u8);
            writer.WriteString("role"u8, "assistant"u8);
            writer.WriteString("model"u8, requestedModel);
            writer.WriteStartArray("content"u8);
            if (message.ValueKind == JsonValueKind.Object)
            {
                WriteContent(writer, message);
            }

            writer.WriteEndArray();
            writer.WriteString("stop_reason"u8, AnthropicStopReason.FromFinishReason(StringOrNull(choice, "finish_reason")));
            writer.WriteNull("stop_sequence"u8);
            (root.TryGetProperty("usage", out var usage) ? AnthropicUsage.FromOpenAI(usage) : default).WriteAnthropic(writer);
            writer.WriteEndObject();
            return true;
        }
    }

    /// <summary><c>msg_</c> + the OpenAI id without its <c>chatcmpl-</c> prefix.</summary>
    internal static string MessageId(string? openAIId) => openAIId is { Length: > 0 }
        ? "msg_" + (openAIId.StartsWith("chatcmpl-", StringComparison.Ordinal) ? openAIId["chatcmpl-".Length..] : openAIId)
        : "msg_" + Guid.NewGuid().ToString("N");

    private static string MessageId(JsonElement root) => MessageId(StringOrNull(root, "id"));

    private static void WriteContent(Utf8JsonWriter writer, JsonElement message)
    {
        var text = StringOrNull(message, "content");
        if (string.IsNullOrEmpty(text))
        {
            text = StringOrNull(message, "refusal");
        }

        if (!string.IsNullOrEmpty(text))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "text"u8);
            writer.WriteString("text"u8, text);
            writer.WriteEndObject();
        }

        if (!message.TryGetProperty("tool_calls", out var toolCalls) || toolCalls.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var call in toolCalls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "tool_use"u8);
            writer.WriteString("id"u8, StringOrNull(call, "id") ?? "toolu_" + Guid.NewGuid().ToString("N"));
            writer.WriteString("name"u8, StringOrNull(function, "name") ?? "");
            writer.WritePropertyName("input"u8);
            WriteInput(writer, StringOrNull(function, "arguments"));

            // Required by the current Messages API for every tool_use block; an ordinary client tool is called directly.
            writer.WriteStartObject("caller"u8);
            writer.WriteString("type"u8, "direct"u8);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }

    /// <summary>Writes the arguments as a JSON object, or <c>{}</c> when they are not one.</summary>
    internal static void WriteInput(Utf8JsonWriter writer, string? arguments)
    {
        if (!string.IsNullOrWhiteSpace(arguments))
        {
            try
            {
                using var input = JsonDocument.Parse(arguments);
                if (input.RootElement.ValueKind == JsonValueKind.Object)
                {
                    input.RootElement.WriteTo(writer);
                    return;
                }
            }
            catch (JsonException)
            {
                // A model can emit arguments that are not JSON; Anthropic's input must be an object.
            }
        }

        writer.WriteStartObject();
        writer.WriteEndObject();
    }

    private static string? StringOrNull(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
