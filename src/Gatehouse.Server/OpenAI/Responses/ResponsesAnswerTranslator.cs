using System.Buffers;
using System.Text.Json;

namespace Gatehouse.OpenAI.Responses;

/// <summary>
/// A chat completion (non-streamed) as a Responses API response object: the first choice's text
/// (or refusal) is one <c>message</c> item, each tool call a <c>function_call</c> item after it; a
/// finish reason of <c>length</c> or <c>content_filter</c> makes the response <c>incomplete</c>.
/// </summary>
internal static class ResponsesAnswerTranslator
{
    /// <summary>The response object, or null when <paramref name="completion"/> is not a chat completion.</summary>
    public static byte[]? Translate(ReadOnlyMemory<byte> completion, ResponseOutput output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(completion);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            string? finishReason = null;
            if (choices.GetArrayLength() > 0 && choices[0] is { ValueKind: JsonValueKind.Object } choice)
            {
                finishReason = choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String ? finish.GetString() : null;
                if (choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
                {
                    AddMessage(output, message);
                }
            }

            output.Usage = ChatUsage.Read(root);
            output.Finish(finishReason);
            var buffer = new ArrayBufferWriter<byte>(completion.Length + 512);
            using (var json = new Utf8JsonWriter(buffer))
            {
                output.WriteResponse(json);
            }

            return buffer.WrittenSpan.ToArray();
        }
    }

    private static void AddMessage(ResponseOutput output, JsonElement message)
    {
        var text = message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : null;
        var refusal = message.TryGetProperty("refusal", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (!string.IsNullOrEmpty(text) || !string.IsNullOrEmpty(refusal))
        {
            var item = new ResponseOutput.MessageItem(ResponseIds.Message(output.Id));
            if (!string.IsNullOrEmpty(refusal))
            {
                item.Refusal = new(refusal);
            }
            else
            {
                item.Text.Append(text);
            }

            output.Items.Add(item);
        }

        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var call in calls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var callId = String(call, "id") ?? ResponseIds.NewCallId();
            var item = new ResponseOutput.FunctionCallItem(ResponseIds.FunctionCall(callId), callId, String(function, "name") ?? "");
            item.Arguments.Append(String(function, "arguments") ?? "{}");
            output.Items.Add(item);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
