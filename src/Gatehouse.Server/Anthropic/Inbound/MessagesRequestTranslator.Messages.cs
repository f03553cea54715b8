using System.Text;
using System.Text.Json;

namespace Gatehouse.Anthropic.Inbound;

/// <remarks>
/// Content mapping. User turns: <c>text</c> → text parts; <c>image</c> → <c>image_url</c> parts
/// (base64 source → <c>data:</c> URL, url source → the URL); <c>document</c> → a <c>file</c> part
/// (base64 PDF) or a text part (plain-text source); <c>tool_result</c> → one <c>tool</c> message each,
/// written before the rest of the turn, <c>content</c> = its text (text blocks joined by newlines;
/// images in a tool result move to the user message that follows, since OpenAI tool messages carry
/// text only) and, when <c>is_error</c> is true, prefixed with <c>"Error: "</c> (OpenAI has no error
/// flag). A turn that is a single text block becomes a plain string. Assistant turns: text blocks
/// joined into <c>content</c>, <c>tool_use</c> → <c>tool_calls</c> (arguments = <c>input</c> as JSON
/// text). <c>thinking</c> and <c>redacted_thinking</c> blocks are dropped everywhere.
/// </remarks>
internal static partial class MessagesRequestTranslator
{
    private static AnthropicError? WriteMessages(Utf8JsonWriter writer, JsonElement messages)
    {
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var path = $"messages.{i++}";
            if (message.ValueKind != JsonValueKind.Object)
            {
                return AnthropicError.InvalidType(path, "a valid dictionary");
            }

            if (!message.TryGetProperty("role", out var roleElement) || roleElement.ValueKind == JsonValueKind.Null)
            {
                return AnthropicError.Missing($"{path}.role");
            }

            var role = roleElement.ValueKind == JsonValueKind.String ? roleElement.GetString() : null;
            if (role is not ("user" or "assistant"))
            {
                return AnthropicError.InvalidRequest($"{path}.role: Input should be 'user' or 'assistant'");
            }

            if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
            {
                return AnthropicError.Missing($"{path}.content");
            }

            AnthropicError? error;
            if (content.ValueKind == JsonValueKind.String)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, role);
                writer.WriteString("content"u8, content.GetString());
                writer.WriteEndObject();
                error = null;
            }
            else if (content.ValueKind != JsonValueKind.Array)
            {
                error = AnthropicError.InvalidType($"{path}.content", "a valid string or a list of content blocks");
            }
            else
            {
                error = role == "user" ? WriteUserTurn(writer, content, path) : WriteAssistantTurn(writer, content, path);
            }

            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static AnthropicError? WriteUserTurn(Utf8JsonWriter writer, JsonElement content, string path)
    {
        var parts = new List<JsonElement>();
        var j = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = $"{path}.content.{j++}";
            var type = BlockType(block);
            AnthropicError? error = null;
            switch (type)
            {
                case "text":
                    error = TryGetString(block, "text", out _) ? null : AnthropicError.Missing($"{blockPath}.text");
                    parts.Add(block);
                    break;
                case "image":
                    error = ImageUrl(block, blockPath, out _);
                    parts.Add(block);
                    break;
                case "document":
                    error = CheckDocument(block, blockPath);
                    parts.Add(block);
                    break;
                case "tool_result":
                    error = WriteToolResult(writer, block, blockPath, parts);
                    break;
                case "thinking" or "redacted_thinking":
                    break;
                default:
                    error = UnsupportedBlock(blockPath, type, "'text', 'image', 'document' or 'tool_result'");
                    break;
            }

            if (error is not null)
            {
                return error;
            }
        }

        if (parts.Count == 0)
        {
            return null;
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "user"u8);
        if (parts.Count == 1 && BlockType(parts[0]) == "text")
        {
            writer.WriteString("content"u8, parts[0].GetProperty("text").GetString());
        }
        else
        {
            writer.WriteStartArray("content"u8);
            foreach (var part in parts)
            {
                WritePart(writer, part);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return null;
    }

    private static void WritePart(Utf8JsonWriter writer, JsonElement block)
    {
        writer.WriteStartObject();
        switch (BlockType(block))
        {
            case "text":
                writer.WriteString("type"u8, "text"u8);
                writer.WriteString("text"u8, block.GetProperty("text").GetString());
                break;
            case "image":
                ImageUrl(block, "", out var url);
                writer.WriteString("type"u8, "image_url"u8);
                writer.WriteStartObject("image_url"u8);
                writer.WriteString("url"u8, url);
                writer.WriteEndObject();
                break;
            default:
                var source = block.GetProperty("source");
                var data = source.GetProperty("data").GetString();
                if (BlockType(source) == "text")
                {
                    writer.WriteString("type"u8, "text"u8);
                    writer.WriteString("text"u8, data);
                }
                else
                {
                    writer.WriteString("type"u8, "file"u8);
                    writer.WriteStartObject("file"u8);
                    writer.WriteString("filename"u8, TryGetString(block, "title", out var title) ? title : "document.pdf");
                    writer.WriteString("file_data"u8, $"data:{source.GetProperty("media_type").GetString()};base64,{data}");
                    writer.WriteEndObject();
                }

                break;
        }

        writer.WriteEndObject();
    }

    private static AnthropicError? WriteToolResult(Utf8JsonWriter writer, JsonElement block, string path, List<JsonElement> userParts)
    {
        if (!TryGetString(block, "tool_use_id", out var toolUseId))
        {
            return AnthropicError.Missing($"{path}.tool_use_id");
        }

        var text = new StringBuilder();
        if (block.TryGetProperty("content", out var content) && content.ValueKind != JsonValueKind.Null)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                var k = 0;
                foreach (var inner in content.EnumerateArray())
                {
                    var innerPath = $"{path}.content.{k++}";
                    switch (BlockType(inner))
                    {
                        case "text":
                            if (!TryGetString(inner, "text", out var part))
                            {
                                return AnthropicError.Missing($"{innerPath}.text");
                            }

                            text.Append(text.Length > 0 ? "\n" : "").Append(part);
                            break;
                        case "image":
                            var error = ImageUrl(inner, innerPath, out _);
                            if (error is not null)
                            {
                                return error;
                            }

                            userParts.Add(inner);
                            break;
                        case var other:
                            return UnsupportedBlock(innerPath, other, "'text' or 'image'");
                    }
                }
            }
            else
            {
                return AnthropicError.InvalidType($"{path}.content", "a valid string or a list of content blocks");
            }
        }

        if (block.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True)
        {
            text.Insert(0, text.Length > 0 ? "Error: " : "Error");
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "tool"u8);
        writer.WriteString("tool_call_id"u8, toolUseId);
        writer.WriteString("content"u8, text.ToString());
        writer.WriteEndObject();
        return null;
    }

    private static AnthropicError? WriteAssistantTurn(Utf8JsonWriter writer, JsonElement content, string path)
    {
        var text = new StringBuilder();
        List<JsonElement>? toolUses = null;
        var j = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = $"{path}.content.{j++}";
            var type = BlockType(block);
            switch (type)
            {
                case "text":
                    if (!TryGetString(block, "text", out var part))
                    {
                        return AnthropicError.Missing($"{blockPath}.text");
                    }

                    text.Append(part);
                    break;
                case "tool_use":
                    if (!TryGetString(block, "id", out _))
                    {
                        return AnthropicError.Missing($"{blockPath}.id");
                    }

                    if (!TryGetString(block, "name", out _))
                    {
                        return AnthropicError.Missing($"{blockPath}.name");
                    }

                    if (!block.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
                    {
                        return AnthropicError.InvalidType($"{blockPath}.input", "a valid dictionary");
                    }

                    (toolUses ??= []).Add(block);
                    break;
                case "thinking" or "redacted_thinking":
                    break;
                default:
                    return UnsupportedBlock(blockPath, type, "'text', 'tool_use' or 'thinking'");
            }
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "assistant"u8);
        if (text.Length == 0 && toolUses is not null)
        {
            writer.WriteNull("content"u8);
        }
        else
        {
            writer.WriteString("content"u8, text.ToString());
        }

        if (toolUses is not null)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var toolUse in toolUses)
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, toolUse.GetProperty("id").GetString());
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, toolUse.GetProperty("name").GetString());
                writer.WriteString("arguments"u8, toolUse.GetProperty("input").GetRawText());
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return null;
    }

    /// <summary>Validates an image block and builds the URL OpenAI expects.</summary>
    private static AnthropicError? ImageUrl(JsonElement block, string path, out string url)
    {
        url = "";
        if (!block.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            return AnthropicError.Missing($"{path}.source");
        }

        switch (BlockType(source))
        {
            case "base64":
                if (!TryGetString(source, "media_type", out var mediaType))
                {
                    return AnthropicError.Missing($"{path}.source.base64.media_type");
                }

                if (!TryGetString(source, "data", out var data))
                {
                    return AnthropicError.Missing($"{path}.source.base64.data");
                }

                url = $"data:{mediaType};base64,{data}";
                return null;
            case "url":
                return TryGetString(source, "url", out url) ? null : AnthropicError.Missing($"{path}.source.url.url");
            case var other:
                return AnthropicError.InvalidRequest($"{path}.source.type: '{other}' is not supported by this gateway; expected 'base64' or 'url'");
        }
    }

    private static AnthropicError? CheckDocument(JsonElement block, string path)
    {
        if (!block.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            return AnthropicError.Missing($"{path}.source");
        }

        var type = BlockType(source);
        if (type is not ("base64" or "text"))
        {
            return AnthropicError.InvalidRequest($"{path}.source.type: '{type}' is not supported by this gateway; expected 'base64' (PDF) or 'text'");
        }

        if (!TryGetString(source, "data", out _))
        {
            return AnthropicError.Missing($"{path}.source.{type}.data");
        }

        return type == "base64" && !TryGetString(source, "media_type", out _) ? AnthropicError.Missing($"{path}.source.base64.media_type") : null;
    }

    private static AnthropicError UnsupportedBlock(string path, string? type, string expected) => type is null
        ? AnthropicError.Missing($"{path}.type")
        : AnthropicError.InvalidRequest($"{path}.type: Input tag '{type}' found using 'type' does not match any of the expected tags: {expected}");
}
