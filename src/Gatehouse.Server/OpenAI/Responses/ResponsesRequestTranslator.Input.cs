using System.Text;
using System.Text.Json;

namespace Gatehouse.OpenAI.Responses;

/// <remarks>
/// <c>input</c>: a string is one user message. Items: a message (<c>type: "message"</c>, or a bare
/// <c>role</c>) of role user, system, developer or assistant, whose content is a string or parts —
/// <c>input_text</c>/<c>output_text</c>/<c>refusal</c> → text, <c>input_image</c> with an
/// <c>image_url</c> → an <c>image_url</c> part, <c>input_file</c> with <c>file_data</c> → a
/// <c>file</c> part; a <c>function_call</c> → a tool call on the assistant message it follows (one
/// assistant message for a run of them, as chat completions has it); a <c>function_call_output</c> →
/// a <c>tool</c> message. A <c>reasoning</c> item is skipped: it is the model's own, encrypted for
/// OpenAI, and a chat deployment cannot read it. Anything else (file ids, item references, built-in
/// tool calls) is refused naming where it is.
/// </remarks>
internal static partial class ResponsesRequestTranslator
{
    private static OpenAIError? WriteInput(Utf8JsonWriter writer, JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "user"u8);
            writer.WriteString("content"u8, input.GetString());
            writer.WriteEndObject();
            return null;
        }

        var index = 0;
        var openToolCalls = false; // an assistant message is open, its tool_calls array being written
        foreach (var item in input.EnumerateArray())
        {
            var path = $"input[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                return OpenAIError.InvalidType(path, "an object");
            }

            var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type is null && item.TryGetProperty("role", out _))
            {
                type = "message";
            }

            if (type != "function_call" && openToolCalls)
            {
                CloseToolCalls(writer);
                openToolCalls = false;
            }

            var error = type switch
            {
                "message" => WriteMessage(writer, item, path),
                "function_call" => WriteFunctionCall(writer, item, path, ref openToolCalls),
                "function_call_output" => WriteFunctionCallOutput(writer, item, path),
                "reasoning" => null,
                null => OpenAIError.MissingParameter(path + ".type"),
                _ => Unsupported(path + ".type", $"Input items of type '{type}' are not supported on this deployment."),
            };
            if (error is not null)
            {
                return error;
            }
        }

        if (openToolCalls)
        {
            CloseToolCalls(writer);
        }

        return index == 0 ? OpenAIError.EmptyArray("input") : null;
    }

    private static OpenAIError? WriteMessage(Utf8JsonWriter writer, JsonElement item, string path)
    {
        if (!item.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
        {
            return OpenAIError.MissingParameter(path + ".role");
        }

        var role = roleElement.GetString();
        if (role is not ("user" or "system" or "developer" or "assistant"))
        {
            return Invalid($"Invalid value for '{path}.role': '{role}'. Supported values are: 'user', 'assistant', 'system' and 'developer'.", path + ".role", "invalid_value");
        }

        if (!item.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return OpenAIError.MissingParameter(path + ".content");
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, role);
        if (content.ValueKind == JsonValueKind.String)
        {
            writer.WriteString("content"u8, content.GetString());
            writer.WriteEndObject();
            return null;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return OpenAIError.InvalidType(path + ".content", "a string or an array of content parts");
        }

        // Only user messages take images and files in chat completions; the others take text.
        return role == "user" ? WriteUserParts(writer, content, path) : WriteTextParts(writer, content, path);
    }

    private static OpenAIError? WriteTextParts(Utf8JsonWriter writer, JsonElement content, string path)
    {
        var text = new StringBuilder();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}.content[{index++}]";
            var type = PartType(part);
            var value = type switch
            {
                "input_text" or "output_text" => PartString(part, "text"),
                "refusal" => PartString(part, "refusal"),
                _ => null,
            };
            if (value is null)
            {
                return type is null
                    ? OpenAIError.MissingParameter(partPath + ".type")
                    : Unsupported(partPath + ".type", $"Content parts of type '{type}' are only supported in user messages, or not on this deployment.");
            }

            text.Append(value);
        }

        writer.WriteString("content"u8, text.ToString());
        writer.WriteEndObject();
        return null;
    }

    private static OpenAIError? WriteUserParts(Utf8JsonWriter writer, JsonElement content, string path)
    {
        writer.WriteStartArray("content"u8);
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}.content[{index++}]";
            var error = PartType(part) switch
            {
                "input_text" or "output_text" => WriteTextPart(writer, part, partPath),
                "input_image" => WriteImagePart(writer, part, partPath),
                "input_file" => WriteFilePart(writer, part, partPath),
                null => OpenAIError.MissingParameter(partPath + ".type"),
                var other => Unsupported(partPath + ".type", $"Content parts of type '{other}' are not supported on this deployment."),
            };
            if (error is not null)
            {
                return error;
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        return null;
    }

    private static OpenAIError? WriteTextPart(Utf8JsonWriter writer, JsonElement part, string path)
    {
        if (PartString(part, "text") is not { } text)
        {
            return OpenAIError.MissingParameter(path + ".text");
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        writer.WriteString("text"u8, text);
        writer.WriteEndObject();
        return null;
    }

    private static OpenAIError? WriteImagePart(Utf8JsonWriter writer, JsonElement part, string path)
    {
        if (PartString(part, "image_url") is not { } url)
        {
            return PartString(part, "file_id") is not null
                ? Unsupported(path + ".file_id", "Images by 'file_id' are not supported on this deployment: send 'image_url' (a URL or a data URL).")
                : OpenAIError.MissingParameter(path + ".image_url");
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "image_url"u8);
        writer.WriteStartObject("image_url"u8);
        writer.WriteString("url"u8, url);
        if (PartString(part, "detail") is { } detail)
        {
            writer.WriteString("detail"u8, detail);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        return null;
    }

    private static OpenAIError? WriteFilePart(Utf8JsonWriter writer, JsonElement part, string path)
    {
        if (PartString(part, "file_data") is not { } data)
        {
            return Unsupported(path, "Files are supported on this deployment only as 'file_data' (not 'file_id' or 'file_url').");
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "file"u8);
        writer.WriteStartObject("file"u8);
        writer.WriteString("file_data"u8, data);
        if (PartString(part, "filename") is { } filename)
        {
            writer.WriteString("filename"u8, filename);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        return null;
    }

    private static OpenAIError? WriteFunctionCall(Utf8JsonWriter writer, JsonElement item, string path, ref bool openToolCalls)
    {
        if (PartString(item, "call_id") is not { } callId)
        {
            return OpenAIError.MissingParameter(path + ".call_id");
        }

        if (PartString(item, "name") is not { } name)
        {
            return OpenAIError.MissingParameter(path + ".name");
        }

        if (PartString(item, "arguments") is not { } arguments)
        {
            return OpenAIError.MissingParameter(path + ".arguments");
        }

        if (!openToolCalls)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "assistant"u8);
            writer.WriteNull("content"u8);
            writer.WriteStartArray("tool_calls"u8);
            openToolCalls = true;
        }

        writer.WriteStartObject();
        writer.WriteString("id"u8, callId);
        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WriteString("name"u8, name);
        writer.WriteString("arguments"u8, arguments);
        writer.WriteEndObject();
        writer.WriteEndObject();
        return null;
    }

    private static void CloseToolCalls(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static OpenAIError? WriteFunctionCallOutput(Utf8JsonWriter writer, JsonElement item, string path)
    {
        if (PartString(item, "call_id") is not { } callId)
        {
            return OpenAIError.MissingParameter(path + ".call_id");
        }

        if (!item.TryGetProperty("output", out var output) || output.ValueKind == JsonValueKind.Null)
        {
            return OpenAIError.MissingParameter(path + ".output");
        }

        string text;
        if (output.ValueKind == JsonValueKind.String)
        {
            text = output.GetString()!;
        }
        else if (output.ValueKind == JsonValueKind.Array)
        {
            var joined = new StringBuilder();
            var index = 0;
            foreach (var part in output.EnumerateArray())
            {
                var partPath = $"{path}.output[{index++}]";
                if (PartType(part) != "input_text" || PartString(part, "text") is not { } partText)
                {
                    return Unsupported(partPath, "Function call outputs are supported on this deployment as text only.");
                }

                joined.Append(partText);
            }

            text = joined.ToString();
        }
        else
        {
            return OpenAIError.InvalidType(path + ".output", "a string or an array of content parts");
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "tool"u8);
        writer.WriteString("tool_call_id"u8, callId);
        writer.WriteString("content"u8, text);
        writer.WriteEndObject();
        return null;
    }

    private static string? PartType(JsonElement part) => PartString(part, "type");

    private static string? PartString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
