using System.Text.Json;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>
/// Tools, <c>tool_choice</c>, <c>parallel_tool_calls</c> and <c>response_format</c>. Anthropic has
/// no JSON mode: a JSON answer is asked for as a call to one forced tool whose input schema is the
/// requested schema, and the answer's tool input is turned back into content. The caller's own
/// tools stay declared, but the forced JSON tool overrides any <c>tool_choice</c> they sent.
/// A <c>tool_choice</c> without tools is dropped (Anthropic rejects it).
/// </summary>
internal static partial class AnthropicRequestTranslator
{
    private const string JsonToolDescription = "Respond with a JSON object that matches this schema. Call this tool exactly once with your whole answer as its input.";

    /// <summary>Writes <c>tools</c> and <c>tool_choice</c>; returns the forced JSON tool's name when <c>response_format</c> asked for JSON.</summary>
    private static string? WriteTools(Utf8JsonWriter writer, JsonElement root)
    {
        var (jsonToolName, jsonSchema) = ReadResponseFormat(root);
        var hasTools = root.TryGetProperty("tools"u8, out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
        if (!hasTools && jsonToolName is null)
        {
            return null;
        }

        writer.WriteStartArray("tools"u8);
        if (hasTools)
        {
            var index = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                WriteTool(writer, tool, $"tools[{index++}]");
            }
        }

        if (jsonToolName is not null)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, jsonToolName);
            writer.WriteString("description"u8, JsonToolDescription);
            writer.WritePropertyName("input_schema"u8);
            if (jsonSchema is { } schema)
            {
                schema.WriteTo(writer);
            }
            else
            {
                WritePermissiveSchema(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteToolChoice(writer, root, jsonToolName);
        return jsonToolName;
    }

    private static (string? Name, JsonElement? Schema) ReadResponseFormat(JsonElement root)
    {
        if (!root.TryGetProperty("response_format"u8, out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        switch (GetString(format, "type"u8))
        {
            case "text":
                return (null, null);
            case "json_object":
                return (DefaultJsonToolName, null);
            case "json_schema":
                format.TryGetProperty("json_schema"u8, out var definition);
                var name = GetString(definition, "name"u8);
                JsonElement? schema = definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("schema"u8, out var s) && s.ValueKind == JsonValueKind.Object ? s : null;
                return (string.IsNullOrEmpty(name) ? DefaultJsonToolName : name, schema);
            default:
                throw new TranslationException("Invalid 'response_format.type': expected text, json_object or json_schema.", "response_format.type");
        }
    }

    private static void WriteTool(Utf8JsonWriter writer, JsonElement tool, string param)
    {
        if (GetString(tool, "type"u8) != "function" || !tool.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object)
        {
            throw new TranslationException($"Unsupported tool in '{param}': only function tools can be sent to Anthropic.", param + ".type", "unsupported_value");
        }

        var name = GetString(function, "name"u8) ?? throw new TranslationException($"Missing '{param}.function.name'.", param + ".function.name", "missing_required_parameter");
        writer.WriteStartObject();
        writer.WriteString("name"u8, name);
        if (GetString(function, "description"u8) is { } description)
        {
            writer.WriteString("description"u8, description);
        }

        writer.WritePropertyName("input_schema"u8);
        if (function.TryGetProperty("parameters"u8, out var parameters) && parameters.ValueKind == JsonValueKind.Object)
        {
            parameters.WriteTo(writer);
        }
        else
        {
            // OpenAI allows a function without parameters; Anthropic requires a schema.
            WritePermissiveSchema(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteToolChoice(Utf8JsonWriter writer, JsonElement root, string? jsonToolName)
    {
        var parallel = !(root.TryGetProperty("parallel_tool_calls"u8, out var p) && p.ValueKind == JsonValueKind.False);
        string type;
        string? name = null;
        if (jsonToolName is not null)
        {
            // The caller asked for a JSON answer: force the JSON tool, exactly once.
            (type, name, parallel) = ("tool", jsonToolName, false);
        }
        else if (!root.TryGetProperty("tool_choice"u8, out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            if (parallel)
            {
                return;
            }

            type = "auto";
        }
        else if (choice.ValueKind == JsonValueKind.String)
        {
            type = choice.GetString() switch
            {
                "auto" => "auto",
                "required" => "any",
                "none" => "none",
                _ => throw new TranslationException("Invalid 'tool_choice': expected auto, required, none or a named function.", "tool_choice"),
            };
        }
        else
        {
            choice.TryGetProperty("function"u8, out var function);
            name = GetString(choice, "type"u8) == "function" ? GetString(function, "name"u8) : null;
            type = name is not null ? "tool" : throw new TranslationException("Invalid 'tool_choice': expected auto, required, none or {\"type\":\"function\",\"function\":{\"name\":…}}.", "tool_choice");
        }

        writer.WriteStartObject("tool_choice"u8);
        writer.WriteString("type"u8, type);
        if (name is not null)
        {
            writer.WriteString("name"u8, name);
        }

        if (!parallel && type != "none")
        {
            writer.WriteBoolean("disable_parallel_tool_use"u8, true);
        }

        writer.WriteEndObject();
    }

    private static void WritePermissiveSchema(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "object"u8);
        writer.WriteEndObject();
    }
}
