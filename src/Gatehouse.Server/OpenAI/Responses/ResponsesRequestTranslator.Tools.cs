using System.Text.Json;

namespace Gatehouse.OpenAI.Responses;

/// <remarks>
/// <c>tools</c>: function tools (<c>{type, name, description, parameters, strict}</c>) → chat's
/// <c>{type: "function", function: {…}}</c>. Built-in tools (web search, file search, computer use,
/// code interpreter, image generation, MCP, shell, custom) run at OpenAI; a translated deployment
/// cannot run them, so each is refused naming the tool. <c>tool_choice</c>: <c>auto</c>, <c>none</c>,
/// <c>required</c> as they are; <c>{type: "function", name}</c> → chat's named function;
/// <c>allowed_tools</c> → chat's <c>allowed_tools</c>. <c>text.format</c>: <c>json_schema</c> →
/// <c>response_format</c> json_schema, <c>json_object</c> → json_object, <c>text</c> → nothing (the
/// default); <c>text.verbosity</c> → <c>verbosity</c>.
/// </remarks>
internal static partial class ResponsesRequestTranslator
{
    private static OpenAIError? WriteTools(Utf8JsonWriter writer, JsonElement root)
    {
        var hasTools = false;
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind != JsonValueKind.Null)
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                return OpenAIError.InvalidType("tools", "an array");
            }

            hasTools = tools.GetArrayLength() > 0;
            if (hasTools)
            {
                writer.WriteStartArray("tools"u8);
                var index = 0;
                foreach (var tool in tools.EnumerateArray())
                {
                    if (WriteTool(writer, tool, $"tools[{index++}]") is { } error)
                    {
                        return error;
                    }
                }

                writer.WriteEndArray();
            }
        }

        if (root.TryGetProperty("parallel_tool_calls", out var parallel) && parallel.ValueKind is JsonValueKind.True or JsonValueKind.False && hasTools)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel.GetBoolean());
        }

        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // Chat completions refuses a tool_choice without tools; "none" and "auto" without tools mean nothing.
        if (!hasTools)
        {
            return choice.ValueKind == JsonValueKind.String && (choice.ValueEquals("none"u8) || choice.ValueEquals("auto"u8))
                ? null
                : Invalid("'tool_choice' names a tool, but the request has no tools.", "tool_choice", "invalid_value");
        }

        return WriteToolChoice(writer, choice);
    }

    private static OpenAIError? WriteTool(Utf8JsonWriter writer, JsonElement tool, string path)
    {
        var type = PartType(tool);
        if (type is null)
        {
            return tool.ValueKind == JsonValueKind.Object ? OpenAIError.MissingParameter(path + ".type") : OpenAIError.InvalidType(path, "an object");
        }

        if (type != "function")
        {
            return Unsupported(path + ".type", $"The built-in tool '{type}' runs at OpenAI, and this deployment cannot run it. Use a function tool, or a deployment of OpenAI's Responses API.");
        }

        if (PartString(tool, "name") is not { } name)
        {
            return OpenAIError.MissingParameter(path + ".name");
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WriteString("name"u8, name);
        foreach (var field in (ReadOnlySpan<string>)["description", "parameters", "strict"])
        {
            if (tool.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                writer.WritePropertyName(field);
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        return null;
    }

    private static OpenAIError? WriteToolChoice(Utf8JsonWriter writer, JsonElement choice)
    {
        if (choice.ValueKind == JsonValueKind.String)
        {
            if (!(choice.ValueEquals("auto"u8) || choice.ValueEquals("none"u8) || choice.ValueEquals("required"u8)))
            {
                return Invalid($"Invalid value for 'tool_choice': '{choice.GetString()}'. Supported values are: 'none', 'auto' and 'required'.", "tool_choice", "invalid_value");
            }

            writer.WritePropertyName("tool_choice"u8);
            choice.WriteTo(writer);
            return null;
        }

        switch (PartType(choice))
        {
            case "function" when PartString(choice, "name") is { } name:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, name);
                writer.WriteEndObject();
                writer.WriteEndObject();
                return null;
            case "function":
                return OpenAIError.MissingParameter("tool_choice.name");
            case "allowed_tools":
                return WriteAllowedTools(writer, choice);
            case null:
                return OpenAIError.InvalidType("tool_choice", "'none', 'auto', 'required' or an object with a 'type'");
            case var other:
                return Unsupported("tool_choice.type", $"A tool choice of type '{other}' names a built-in tool, which this deployment cannot run.");
        }
    }

    private static OpenAIError? WriteAllowedTools(Utf8JsonWriter writer, JsonElement choice)
    {
        if (!choice.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return OpenAIError.MissingParameter("tool_choice.tools");
        }

        writer.WriteStartObject("tool_choice"u8);
        writer.WriteString("type"u8, "allowed_tools"u8);
        writer.WriteStartObject("allowed_tools"u8);
        writer.WriteString("mode"u8, PartString(choice, "mode") ?? "auto");
        writer.WriteStartArray("tools"u8);
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = $"tool_choice.tools[{index++}]";
            if (PartType(tool) != "function" || PartString(tool, "name") is not { } name)
            {
                return Unsupported(path, "Allowed tools are supported on this deployment as function tools with a 'name'.");
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, name);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
        return null;
    }

    private static OpenAIError? WriteTextFormat(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (text.TryGetProperty("verbosity", out var verbosity) && verbosity.ValueKind != JsonValueKind.Null)
        {
            if (verbosity.ValueKind != JsonValueKind.String)
            {
                return OpenAIError.InvalidType("text.verbosity", "a string");
            }

            writer.WriteString("verbosity"u8, verbosity.GetString());
        }

        if (!text.TryGetProperty("format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        switch (PartType(format))
        {
            case "text":
                return null;
            case "json_object":
                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "json_object"u8);
                writer.WriteEndObject();
                return null;
            case "json_schema":
                if (PartString(format, "name") is not { } name)
                {
                    return OpenAIError.MissingParameter("text.format.name");
                }

                if (!format.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
                {
                    return OpenAIError.MissingParameter("text.format.schema");
                }

                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "json_schema"u8);
                writer.WriteStartObject("json_schema"u8);
                writer.WriteString("name"u8, name);
                foreach (var field in (ReadOnlySpan<string>)["description", "schema", "strict"])
                {
                    if (format.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
                    {
                        writer.WritePropertyName(field);
                        value.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
                return null;
            case null:
                return OpenAIError.MissingParameter("text.format.type");
            case var other:
                return Invalid($"Invalid value for 'text.format.type': '{other}'. Supported values are: 'text', 'json_object' and 'json_schema'.", "text.format.type", "invalid_value");
        }
    }
}
