using System.Text.Json;

namespace Gatehouse.Anthropic.Inbound;

internal static partial class MessagesRequestTranslator
{
    private static AnthropicError? WriteTools(Utf8JsonWriter writer, JsonElement root, ref AnthropicError? untranslatable)
    {
        var hasTools = root.TryGetProperty("tools", out var tools) && tools.ValueKind != JsonValueKind.Null;
        if (hasTools && tools.ValueKind != JsonValueKind.Array)
        {
            return AnthropicError.InvalidType("tools", "a valid list");
        }

        hasTools = hasTools && tools.GetArrayLength() > 0;
        if (hasTools)
        {
            writer.WriteStartArray("tools"u8);
            var i = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var error = WriteTool(writer, tool, $"tools.{i++}", ref untranslatable);
                if (error is not null)
                {
                    return error;
                }
            }

            writer.WriteEndArray();
        }

        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (CheckToolChoice(choice) is { } invalid)
        {
            return invalid;
        }

        var type = BlockType(choice);
        if (type is not ("auto" or "any" or "tool" or "none"))
        {
            return AnthropicError.InvalidRequest("tool_choice.type: Input tag found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'");
        }

        string? name = null;
        if (type == "tool" && !TryGetString(choice, "name", out name!))
        {
            return AnthropicError.Missing("tool_choice.tool.name");
        }

        if (!hasTools)
        {
            // OpenAI rejects tool_choice without tools; with no tools nothing can be called anyway.
            return null;
        }

        switch (type)
        {
            case "auto": writer.WriteString("tool_choice"u8, "auto"u8); break;
            case "any": writer.WriteString("tool_choice"u8, "required"u8); break;
            case "none": writer.WriteString("tool_choice"u8, "none"u8); break;
            default:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, name);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }

        if (type != "none" && choice.TryGetProperty("disable_parallel_tool_use", out var disable) && disable.ValueKind == JsonValueKind.True)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, false);
        }

        return null;
    }

    /// <summary>Type checks that hold whether or not the call has tools (Anthropic checks them too).</summary>
    private static AnthropicError? CheckToolChoice(JsonElement choice)
    {
        if (choice.ValueKind != JsonValueKind.Object)
        {
            return AnthropicError.InvalidType("tool_choice", "a valid dictionary");
        }

        return choice.TryGetProperty("disable_parallel_tool_use", out var disable) && disable.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null)
            ? AnthropicError.InvalidType("tool_choice.disable_parallel_tool_use", "a valid boolean")
            : null;
    }

    /// <remarks>
    /// A server tool (<c>web_search_…</c>, <c>bash_…</c>…) runs at Anthropic: an Anthropic deployment
    /// gets it in the client's own body, any other refuses the call (it is left out of the translation).
    /// A custom tool's <c>strict</c> → the function's <c>strict</c>; its <c>cache_control</c> is a hint;
    /// any other field of it (<c>input_examples</c>, <c>defer_loading</c>…) is untranslatable.
    /// </remarks>
    private static AnthropicError? WriteTool(Utf8JsonWriter writer, JsonElement tool, string path, ref AnthropicError? untranslatable)
    {
        if (tool.ValueKind != JsonValueKind.Object)
        {
            return AnthropicError.InvalidType(path, "a valid dictionary");
        }

        var type = BlockType(tool);
        if (type is not (null or "custom"))
        {
            untranslatable ??= AnthropicError.InvalidRequest(
                $"{path}: server tools (type '{type}') run at Anthropic and are not supported by this model's deployment, which is not Anthropic; define a custom tool with name and input_schema, or use a model served by Anthropic.");
            return null;
        }

        JsonElement strict = default;
        foreach (var property in tool.EnumerateObject())
        {
            switch (property.Name)
            {
                case "type" or "name" or "description" or "input_schema" or "cache_control":
                    break;
                case "strict" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                    strict = property.Value;
                    break;
                case "strict":
                    return AnthropicError.InvalidType($"{path}.strict", "a valid boolean");
                default:
                    Untranslatable(ref untranslatable, $"{path}.{property.Name}", property.Value);
                    break;
            }
        }

        if (!TryGetString(tool, "name", out var name) || name.Length == 0)
        {
            return AnthropicError.Missing($"{path}.name");
        }

        if (!tool.TryGetProperty("input_schema", out var schema) || schema.ValueKind == JsonValueKind.Null)
        {
            return AnthropicError.Missing($"{path}.input_schema");
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return AnthropicError.InvalidType($"{path}.input_schema", "a valid dictionary");
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WriteString("name"u8, name);
        if (TryGetString(tool, "description", out var description))
        {
            writer.WriteString("description"u8, description);
        }

        writer.WritePropertyName("parameters"u8);
        schema.WriteTo(writer);
        if (strict.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            writer.WriteBoolean("strict"u8, strict.GetBoolean());
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        return null;
    }
}
