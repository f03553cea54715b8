using System.Text.Json;

namespace Gatehouse.Simulator;

/// <summary>The parts of a chat completions request body that the simulator reacts to.</summary>
internal sealed class ChatRequest
{
    public required string Model { get; init; }

    public required JsonElement Messages { get; init; }

    public int N { get; init; } = 1;

    public int? MaxTokens { get; init; }

    public long? Seed { get; init; }

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    /// <summary>The <c>response_format</c> object, or undefined.</summary>
    public JsonElement ResponseFormat { get; init; }

    /// <summary>The <c>tools</c> array (only when non-empty), or undefined.</summary>
    public JsonElement Tools { get; init; }

    /// <summary>The <c>tool_choice</c> value, or undefined.</summary>
    public JsonElement ToolChoice { get; init; }

    public bool HasTools => Tools.ValueKind == JsonValueKind.Array;

    /// <summary>Which of <c>max_completion_tokens</c> / <c>max_tokens</c> set <see cref="MaxTokens"/>, for errors.</summary>
    public string MaxTokensParam { get; init; } = "max_tokens";

    /// <summary>
    /// Reads and checks the request as OpenAI does: every field the simulator reads has the type
    /// OpenAI documents, or the request is refused with the field named (never an exception).
    /// Limits that depend on the model (<c>max_tokens</c>) are checked by the handler.
    /// </summary>
    public static ChatRequest? Parse(JsonElement body, out SimulatorRequestError? error)
    {
        error = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = new SimulatorRequestError("The request body must be a JSON object.", null);
            return null;
        }

        if (!body.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
        {
            error = new SimulatorRequestError("You must provide a model parameter.", "model");
            return null;
        }

        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            error = new SimulatorRequestError("[] is too short - 'messages'", "messages");
            return null;
        }

        error = CheckMessages(messages);
        var n = 1L;
        if (error is null && Present(body, "n", out var nValue))
        {
            error = SimulatorRequestError.Integer(nValue, "n", 1, 128, out n);
        }

        int? maxTokens = null;
        var maxTokensParam = "max_tokens";
        foreach (var name in (ReadOnlySpan<string>)["max_tokens", "max_completion_tokens"])
        {
            if (error is null && Present(body, name, out var value))
            {
                // Positive here; at most the model's output limit, checked with the model's profile.
                error = SimulatorRequestError.Integer(value, name, 1, long.MaxValue, out var tokens);
                (maxTokens, maxTokensParam) = ((int)Math.Min(tokens, int.MaxValue), name);
            }
        }

        long? seed = null;
        if (error is null && Present(body, "seed", out var seedValue))
        {
            error = SimulatorRequestError.Integer(seedValue, "seed", long.MinValue, long.MaxValue, out var s);
            seed = s;
        }

        var stream = false;
        if (error is null && Present(body, "stream", out var streamValue))
        {
            error = streamValue.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : SimulatorRequestError.InvalidType("stream", "a boolean", streamValue);
            stream = streamValue.ValueKind == JsonValueKind.True;
        }

        var includeUsage = false;
        if (error is null && Present(body, "stream_options", out var streamOptions))
        {
            error = CheckStreamOptions(streamOptions, out includeUsage);
        }

        var responseFormat = default(JsonElement);
        if (error is null && Present(body, "response_format", out var format))
        {
            error = CheckResponseFormat(format);
            responseFormat = format;
        }

        var tools = default(JsonElement);
        if (error is null && Present(body, "tools", out var toolsValue))
        {
            error = CheckTools(toolsValue);
            tools = toolsValue;
        }

        var toolChoice = default(JsonElement);
        if (error is null && Present(body, "tool_choice", out var choice))
        {
            error = CheckToolChoice(choice);
            toolChoice = choice;
        }

        if (error is not null)
        {
            return null;
        }

        return new ChatRequest
        {
            Model = modelName,
            Messages = messages,
            N = (int)n,
            MaxTokens = maxTokens,
            MaxTokensParam = maxTokensParam,
            Seed = seed,
            Stream = stream,
            IncludeUsage = includeUsage,
            ResponseFormat = responseFormat,
            Tools = tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0 ? tools : default,
            ToolChoice = toolChoice,
        };
    }

    /// <summary>True when the field is there and not null (OpenAI treats null as absent).</summary>
    private static bool Present(JsonElement body, string name, out JsonElement value) =>
        body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static SimulatorRequestError? CheckMessages(JsonElement messages)
    {
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                return SimulatorRequestError.InvalidType(at, "an object", message);
            }

            if (!message.TryGetProperty("role", out var role))
            {
                return SimulatorRequestError.Missing(at + ".role");
            }

            if (role.ValueKind != JsonValueKind.String)
            {
                return SimulatorRequestError.InvalidType(at + ".role", "one of 'system', 'developer', 'user', 'assistant', 'tool' or 'function'", role);
            }

            if (message.TryGetProperty("name", out var name) && name.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return SimulatorRequestError.InvalidType(at + ".name", "a string", name);
            }

            if (message.TryGetProperty("content", out var content) && CheckContent(content, at + ".content") is { } contentError)
            {
                return contentError;
            }

            if (Present(message, "tool_calls", out var calls) && CheckToolCalls(calls, at + ".tool_calls") is { } callsError)
            {
                return callsError;
            }
        }

        return null;
    }

    private static SimulatorRequestError? CheckContent(JsonElement content, string at)
    {
        if (content.ValueKind is JsonValueKind.String or JsonValueKind.Null)
        {
            return null;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return SimulatorRequestError.InvalidType(at, "a string or an array of content parts", content);
        }

        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partAt = $"{at}[{index++}]";
            if (part.ValueKind != JsonValueKind.Object)
            {
                return SimulatorRequestError.InvalidType(partAt, "an object", part);
            }

            if (part.TryGetProperty("text", out var text) && text.ValueKind != JsonValueKind.String)
            {
                return SimulatorRequestError.InvalidType(partAt + ".text", "a string", text);
            }
        }

        return null;
    }

    private static SimulatorRequestError? CheckToolCalls(JsonElement calls, string at)
    {
        if (calls.ValueKind != JsonValueKind.Array)
        {
            return SimulatorRequestError.InvalidType(at, "an array", calls);
        }

        var index = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var callAt = $"{at}[{index++}]";
            if (call.ValueKind != JsonValueKind.Object)
            {
                return SimulatorRequestError.InvalidType(callAt, "an object", call);
            }

            if (call.TryGetProperty("function", out var function))
            {
                if (function.ValueKind != JsonValueKind.Object)
                {
                    return SimulatorRequestError.InvalidType(callAt + ".function", "an object", function);
                }

                foreach (var field in (ReadOnlySpan<string>)["name", "arguments"])
                {
                    if (function.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.String)
                    {
                        return SimulatorRequestError.InvalidType($"{callAt}.function.{field}", "a string", value);
                    }
                }
            }
        }

        return null;
    }

    private static SimulatorRequestError? CheckStreamOptions(JsonElement options, out bool includeUsage)
    {
        includeUsage = false;
        if (options.ValueKind != JsonValueKind.Object)
        {
            return SimulatorRequestError.InvalidType("stream_options", "an object", options);
        }

        if (Present(options, "include_usage", out var value))
        {
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return SimulatorRequestError.InvalidType("stream_options.include_usage", "a boolean", value);
            }

            includeUsage = value.ValueKind == JsonValueKind.True;
        }

        return null;
    }

    private static SimulatorRequestError? CheckResponseFormat(JsonElement format)
    {
        const string Types = "one of 'text', 'json_object' or 'json_schema'";
        if (format.ValueKind != JsonValueKind.Object)
        {
            return SimulatorRequestError.InvalidType("response_format", "an object", format);
        }

        if (!format.TryGetProperty("type", out var type))
        {
            return SimulatorRequestError.Missing("response_format.type");
        }

        if (type.ValueKind != JsonValueKind.String)
        {
            return SimulatorRequestError.InvalidType("response_format.type", Types, type);
        }

        if (!type.ValueEquals("json_schema"))
        {
            return type.ValueEquals("text") || type.ValueEquals("json_object")
                ? null
                : SimulatorRequestError.InvalidValue("response_format.type", $"Invalid value: '{type.GetString()}'. Supported values are: 'text', 'json_object' and 'json_schema'.");
        }

        if (!format.TryGetProperty("json_schema", out var jsonSchema))
        {
            return SimulatorRequestError.Missing("response_format.json_schema");
        }

        if (jsonSchema.ValueKind != JsonValueKind.Object)
        {
            return SimulatorRequestError.InvalidType("response_format.json_schema", "an object", jsonSchema);
        }

        if (jsonSchema.TryGetProperty("name", out var name) && name.ValueKind != JsonValueKind.String)
        {
            return SimulatorRequestError.InvalidType("response_format.json_schema.name", "a string", name);
        }

        return Present(jsonSchema, "schema", out var schema) && schema.ValueKind != JsonValueKind.Object
            ? SimulatorRequestError.InvalidType("response_format.json_schema.schema", "an object", schema)
            : null;
    }

    private static SimulatorRequestError? CheckTools(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            return SimulatorRequestError.InvalidType("tools", "an array", tools);
        }

        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                return SimulatorRequestError.InvalidType(at, "an object", tool);
            }

            if (tool.TryGetProperty("type", out var type) && type.ValueKind != JsonValueKind.String)
            {
                return SimulatorRequestError.InvalidType(at + ".type", "a string", type);
            }

            if (!tool.TryGetProperty("function", out var function))
            {
                if (type.ValueKind == JsonValueKind.Undefined || type.ValueEquals("function"))
                {
                    return SimulatorRequestError.Missing(at + ".function");
                }

                continue; // another kind of tool (custom, a hosted tool): nothing the simulator reads
            }

            if (function.ValueKind != JsonValueKind.Object)
            {
                return SimulatorRequestError.InvalidType(at + ".function", "an object", function);
            }

            if (!function.TryGetProperty("name", out var name))
            {
                return SimulatorRequestError.Missing(at + ".function.name");
            }

            if (name.ValueKind != JsonValueKind.String)
            {
                return SimulatorRequestError.InvalidType(at + ".function.name", "a string", name);
            }

            if (!IsFunctionName(name.GetString()!))
            {
                return SimulatorRequestError.InvalidValue(
                    at + ".function.name", $"Invalid '{at}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{{1,64}}$'.");
            }

            if (function.TryGetProperty("description", out var description) && description.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return SimulatorRequestError.InvalidType(at + ".function.description", "a string", description);
            }

            if (Present(function, "parameters", out var parameters) && parameters.ValueKind != JsonValueKind.Object)
            {
                return SimulatorRequestError.InvalidType(at + ".function.parameters", "an object", parameters);
            }
        }

        return null;
    }

    private static SimulatorRequestError? CheckToolChoice(JsonElement choice)
    {
        const string Expected = "'none', 'auto', 'required' or an object naming a function";
        if (choice.ValueKind == JsonValueKind.String)
        {
            return choice.ValueEquals("none") || choice.ValueEquals("auto") || choice.ValueEquals("required")
                ? null
                : SimulatorRequestError.InvalidValue("tool_choice", $"Invalid value: '{choice.GetString()}'. Supported values are: 'none', 'auto' and 'required'.");
        }

        if (choice.ValueKind != JsonValueKind.Object)
        {
            return SimulatorRequestError.InvalidType("tool_choice", Expected, choice);
        }

        if (!choice.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
        {
            return function.ValueKind == JsonValueKind.Undefined
                ? SimulatorRequestError.Missing("tool_choice.function")
                : SimulatorRequestError.InvalidType("tool_choice.function", "an object", function);
        }

        if (!function.TryGetProperty("name", out var name))
        {
            return SimulatorRequestError.Missing("tool_choice.function.name");
        }

        return name.ValueKind == JsonValueKind.String ? null : SimulatorRequestError.InvalidType("tool_choice.function.name", "a string", name);
    }

    /// <summary>OpenAI's function names: 1 to 64 letters, digits, underscores and dashes.</summary>
    private static bool IsFunctionName(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
