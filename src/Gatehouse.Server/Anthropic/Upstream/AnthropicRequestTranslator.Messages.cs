using System.Text.Json;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>
/// Messages: system and developer messages become the top-level <c>system</c>; tool results become
/// <c>tool_result</c> blocks of a user turn; consecutive turns of the same role are merged, because
/// Anthropic requires user and assistant turns to alternate.
/// </summary>
internal static partial class AnthropicRequestTranslator
{
    private static void WriteMessages(Utf8JsonWriter writer, JsonElement root, List<string> system)
    {
        if (!root.TryGetProperty("messages"u8, out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new TranslationException("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }

        writer.WriteStartArray("messages"u8);
        string? openRole = null;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var param = $"messages[{index}]";
            switch (GetString(message, "role"u8))
            {
                case "system" or "developer":
                    AppendSystem(message, system, param);
                    break;
                case "user":
                    BeginTurn(writer, ref openRole, "user");
                    WriteUserContent(writer, message, param);
                    break;
                case "assistant":
                    BeginTurn(writer, ref openRole, "assistant");
                    WriteAssistantContent(writer, message, param);
                    break;
                case "tool":
                    BeginTurn(writer, ref openRole, "user");
                    WriteToolResult(writer, message, param);
                    break;
                default:
                    throw new TranslationException($"Invalid '{param}.role': expected system, developer, user, assistant or tool.", param + ".role");
            }

            index++;
        }

        if (openRole is not null)
        {
            EndTurn(writer);
        }

        writer.WriteEndArray();
    }

    private static void BeginTurn(Utf8JsonWriter writer, ref string? openRole, string role)
    {
        if (openRole == role)
        {
            return;
        }

        if (openRole is not null)
        {
            EndTurn(writer);
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, role);
        writer.WriteStartArray("content"u8);
        openRole = role;
    }

    private static void EndTurn(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void AppendSystem(JsonElement message, List<string> system, string param)
    {
        foreach (var text in TextParts(message, param))
        {
            system.Add(text);
        }
    }

    private static void WriteUserContent(Utf8JsonWriter writer, JsonElement message, string param)
    {
        if (!message.TryGetProperty("content"u8, out var content) || content.ValueKind != JsonValueKind.Array)
        {
            foreach (var text in TextParts(message, param))
            {
                WriteTextBlock(writer, text);
            }

            return;
        }

        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partParam = $"{param}.content[{index++}]";
            switch (GetString(part, "type"u8))
            {
                case "text":
                    var text = GetString(part, "text"u8);
                    if (!string.IsNullOrEmpty(text))
                    {
                        WriteTextBlock(writer, text);
                    }

                    break;
                case "image_url":
                    WriteImage(writer, part, partParam);
                    break;
                case "file":
                    WriteDocument(writer, part, partParam);
                    break;
                default:
                    throw new TranslationException($"Unsupported content part type in '{partParam}': Anthropic accepts text, image_url and file (data) parts.", partParam + ".type", "unsupported_value");
            }
        }
    }

    private static void WriteImage(Utf8JsonWriter writer, JsonElement part, string param)
    {
        part.TryGetProperty("image_url"u8, out var image);
        var url = image.ValueKind == JsonValueKind.String ? image.GetString() : GetString(image, "url"u8);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "image"u8);
        writer.WriteStartObject("source"u8);
        if (url is not null && url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            WriteBase64Source(writer, url, param + ".image_url.url");
        }
        else if (url is not null && (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
        {
            writer.WriteString("type"u8, "url"u8);
            writer.WriteString("url"u8, url);
        }
        else
        {
            throw new TranslationException($"Invalid '{param}.image_url.url': expected an http(s) URL or a base64 data URL.", param + ".image_url.url");
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A <c>file</c> part with inline <c>file_data</c> (e.g. a PDF) becomes a <c>document</c> block; uploaded file ids do not exist at Anthropic.</summary>
    private static void WriteDocument(Utf8JsonWriter writer, JsonElement part, string param)
    {
        part.TryGetProperty("file"u8, out var file);
        var data = GetString(file, "file_data"u8);
        if (data is null || !data.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            throw new TranslationException($"Unsupported '{param}.file': only inline 'file_data' (a base64 data URL) can be sent to Anthropic.", param + ".file", "unsupported_value");
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "document"u8);
        writer.WriteStartObject("source"u8);
        WriteBase64Source(writer, data, param + ".file.file_data");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes the inside of a base64 <c>source</c> from <c>data:&lt;media type&gt;;base64,&lt;data&gt;</c>.</summary>
    private static void WriteBase64Source(Utf8JsonWriter writer, string dataUrl, string param)
    {
        var marker = dataUrl.IndexOf(";base64,", StringComparison.OrdinalIgnoreCase);
        if (marker <= "data:".Length)
        {
            throw new TranslationException($"Invalid '{param}': expected a base64 data URL (data:<media type>;base64,<data>).", param);
        }

        writer.WriteString("type"u8, "base64"u8);
        writer.WriteString("media_type"u8, dataUrl.AsSpan("data:".Length, marker - "data:".Length));
        writer.WriteString("data"u8, dataUrl.AsSpan(marker + ";base64,".Length));
    }

    private static void WriteAssistantContent(Utf8JsonWriter writer, JsonElement message, string param)
    {
        foreach (var text in TextParts(message, param))
        {
            WriteTextBlock(writer, text);
        }

        if (!message.TryGetProperty("tool_calls"u8, out var toolCalls) || toolCalls.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var index = 0;
        foreach (var call in toolCalls.EnumerateArray())
        {
            var callParam = $"{param}.tool_calls[{index++}]";
            call.TryGetProperty("function"u8, out var function);
            var id = GetString(call, "id"u8) ?? throw new TranslationException($"Missing '{callParam}.id'.", callParam + ".id", "missing_required_parameter");
            var name = GetString(function, "name"u8) ?? throw new TranslationException($"Missing '{callParam}.function.name'.", callParam + ".function.name", "missing_required_parameter");
            writer.WriteStartObject();
            writer.WriteString("type"u8, "tool_use"u8);
            writer.WriteString("id"u8, id);
            writer.WriteString("name"u8, name);
            writer.WritePropertyName("input"u8);
            WriteArguments(writer, GetString(function, "arguments"u8), callParam + ".function.arguments");
            writer.WriteEndObject();
        }
    }

    /// <summary>OpenAI carries tool arguments as a JSON string; Anthropic wants the object itself.</summary>
    private static void WriteArguments(Utf8JsonWriter writer, string? arguments, string param)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        try
        {
            using var parsed = JsonDocument.Parse(arguments);
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new TranslationException($"Invalid '{param}': the arguments must be a JSON object.", param);
            }

            parsed.RootElement.WriteTo(writer);
        }
        catch (JsonException ex)
        {
            throw new TranslationException($"Invalid '{param}': not valid JSON ({ex.Message}).", param);
        }
    }

    private static void WriteToolResult(Utf8JsonWriter writer, JsonElement message, string param)
    {
        var id = GetString(message, "tool_call_id"u8) ?? throw new TranslationException($"Missing '{param}.tool_call_id'.", param + ".tool_call_id", "missing_required_parameter");
        writer.WriteStartObject();
        writer.WriteString("type"u8, "tool_result"u8);
        writer.WriteString("tool_use_id"u8, id);
        if (message.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.String)
        {
            if (!content.ValueEquals(""u8))
            {
                writer.WritePropertyName("content"u8);
                content.WriteTo(writer);
            }
        }
        else
        {
            var parts = TextParts(message, param);
            if (parts.Count > 0)
            {
                writer.WriteStartArray("content"u8);
                foreach (var text in parts)
                {
                    WriteTextBlock(writer, text);
                }

                writer.WriteEndArray();
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>The non-empty texts of a message's <c>content</c>: the string itself, or its <c>text</c> (and <c>refusal</c>) parts.</summary>
    private static List<string> TextParts(JsonElement message, string param)
    {
        var texts = new List<string>(1);
        if (!message.TryGetProperty("content"u8, out var content))
        {
            return texts;
        }

        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                var single = content.GetString()!;
                if (single.Length > 0)
                {
                    texts.Add(single);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var part in content.EnumerateArray())
                {
                    var text = GetString(part, "type"u8) switch
                    {
                        "text" => GetString(part, "text"u8),
                        "refusal" => GetString(part, "refusal"u8),
                        _ => throw new TranslationException($"Unsupported content part in '{param}.content[{index}]': only text parts are allowed here.", $"{param}.content[{index}].type", "unsupported_value"),
                    };
                    if (!string.IsNullOrEmpty(text))
                    {
                        texts.Add(text);
                    }

                    index++;
                }

                break;
            case JsonValueKind.Null:
                break;
            default:
                throw new TranslationException($"Invalid '{param}.content': expected a string or an array of content parts.", param + ".content", "invalid_type");
        }

        return texts;
    }
}
