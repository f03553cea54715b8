using System.Buffers;
using System.Text.Json;
using Gatehouse.Hosting;

namespace Gatehouse.OpenAI.Responses;

/// <summary>
/// Translates a <c>POST /v1/responses</c> body (OpenAI's Responses API) into an OpenAI chat
/// completions body, for the deployments that do not serve the Responses API themselves.
/// </summary>
/// <remarks>
/// Every top-level field is translated, echoed, ignored for a stated reason, or refused by name
/// (400, OpenAI's <c>unsupported_parameter</c>), as listed in docs/api.md; an unknown field is
/// refused as OpenAI refuses one. Translated: <c>input</c> (see <c>.Input.cs</c>), <c>instructions</c>
/// (a first system message), <c>tools</c>, <c>tool_choice</c> and <c>text</c> (see <c>.Tools.cs</c>),
/// <c>max_output_tokens</c> → <c>max_completion_tokens</c>, <c>temperature</c>, <c>top_p</c>,
/// <c>parallel_tool_calls</c>, <c>reasoning.effort</c> → <c>reasoning_effort</c>, <c>top_logprobs</c>,
/// <c>user</c>, <c>safety_identifier</c>, <c>prompt_cache_key</c>, <c>prompt_cache_retention</c>,
/// <c>service_tier</c>, <c>stream</c> (with <c>stream_options.include_usage</c>, for the accounting).
/// Kept by Gatehouse, not sent up: <c>metadata</c>, <c>store</c>. Ignored: <c>include</c> (the
/// includables are OpenAI-side data a translated deployment has none of), <c>reasoning.summary</c>,
/// <c>stream_options</c> (obfuscation pads events against a network observer; the stream here is
/// not padded), <c>truncation: "disabled"</c> (what a chat deployment does anyway).
/// </remarks>
internal static partial class ResponsesRequestTranslator
{
    /// <summary>Fields OpenAI serves that a translated deployment cannot honour; each is refused when set (not null).</summary>
    private static readonly string[] s_refused =
    [
        "background", "conversation", "prompt", "max_tool_calls", "context_management", "moderation", "prompt_cache_options",
    ];

    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "model", "input", "instructions", "tools", "tool_choice", "text", "max_output_tokens", "temperature", "top_p",
        "parallel_tool_calls", "reasoning", "top_logprobs", "user", "safety_identifier", "prompt_cache_key",
        "prompt_cache_retention", "service_tier", "stream", "stream_options", "metadata", "store", "include", "truncation",
        "previous_response_id", "background", "conversation", "prompt", "max_tool_calls", "context_management",
        "moderation", "prompt_cache_options",
    };

    public static TranslatedResponsesRequest? Translate(ReadOnlyMemory<byte> body, out OpenAIError? error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = RequestJson.MaxDepth });
        }
        catch (JsonException ex)
        {
            error = OpenAIError.InvalidJson(RequestJson.FindError(body.Span) ?? $"line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}");
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = OpenAIError.InvalidJson("the body is not a JSON object");
                return null;
            }

            error = Validate(root, out var echo, out var stream);
            if (error is not null)
            {
                return null;
            }

            var output = new ArrayBufferWriter<byte>(body.Length + 256);
            using (var writer = new Utf8JsonWriter(output))
            {
                error = Write(writer, root, echo!, stream);
            }

            return error is null ? new TranslatedResponsesRequest { ChatBody = output.WrittenMemory, Echo = echo!, Stream = stream } : null;
        }
    }

    private static OpenAIError? Validate(JsonElement root, out ResponseEcho? echo, out bool stream)
    {
        echo = null;
        stream = false;
        foreach (var property in root.EnumerateObject())
        {
            if (!s_known.Contains(property.Name))
            {
                return Invalid($"Unknown parameter: '{property.Name}'.", property.Name, "unknown_parameter");
            }
        }

        foreach (var name in s_refused)
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return Unsupported(name, $"'{name}' is not supported by Gatehouse's Responses API on this deployment.");
            }
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind == JsonValueKind.Null)
        {
            return OpenAIError.MissingParameter("model");
        }

        if (model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
        {
            return OpenAIError.InvalidType("model", "a non-empty string");
        }

        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            return OpenAIError.MissingParameter("input");
        }

        if (input.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            return OpenAIError.InvalidType("input", "a string or an array of input items");
        }

        if (Flag(root, "stream", out stream) is { } streamError)
        {
            return streamError;
        }

        if (Flag(root, "store", out var store, defaultValue: true) is { } storeError)
        {
            return storeError;
        }

        if (Flag(root, "parallel_tool_calls", out var parallel, defaultValue: true) is { } parallelError)
        {
            return parallelError;
        }

        if (root.TryGetProperty("truncation", out var truncation) && truncation.ValueKind != JsonValueKind.Null
            && !(truncation.ValueKind == JsonValueKind.String && truncation.ValueEquals("disabled"u8)))
        {
            return Unsupported("truncation", "Only 'truncation': 'disabled' is supported on this deployment: it does not drop input items to fit its context window.");
        }

        if (root.TryGetProperty("previous_response_id", out var previous) && previous.ValueKind != JsonValueKind.Null)
        {
            return Unsupported("previous_response_id", "'previous_response_id' is not supported yet: send the whole conversation in 'input'.");
        }

        OpenAIError? error;
        if ((error = OptionalString(root, "instructions", out var instructions)) is not null
            || (error = OptionalString(root, "user", out var user)) is not null
            || (error = OptionalNumber(root, "temperature", 0, 2, out var temperature)) is not null
            || (error = OptionalNumber(root, "top_p", 0, 1, out var topP)) is not null
            || (error = OptionalInteger(root, "max_output_tokens", 16, out var maxOutputTokens)) is not null
            || (error = OptionalObject(root, "metadata", out var metadata)) is not null
            || (error = OptionalObject(root, "reasoning", out var reasoning)) is not null
            || (error = OptionalObject(root, "text", out var text)) is not null)
        {
            return error;
        }

        echo = new ResponseEcho(modelName)
        {
            Instructions = instructions,
            User = user,
            Temperature = temperature,
            TopP = topP,
            MaxOutputTokens = maxOutputTokens,
            MetadataJson = metadata?.GetRawText(),
            ReasoningJson = reasoning?.GetRawText(),
            TextJson = text?.GetRawText(),
            ToolsJson = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array ? tools.GetRawText() : null,
            ToolChoiceJson = root.TryGetProperty("tool_choice", out var choice) && choice.ValueKind != JsonValueKind.Null ? choice.GetRawText() : null,
            ParallelToolCalls = parallel,
            Store = store,
        };
        return null;
    }

    private static OpenAIError? Write(Utf8JsonWriter writer, JsonElement root, ResponseEcho echo, bool stream)
    {
        writer.WriteStartObject();
        writer.WriteString("model"u8, echo.Model);
        writer.WriteStartArray("messages"u8);
        if (echo.Instructions is { } instructions)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WriteString("content"u8, instructions);
            writer.WriteEndObject();
        }

        var error = WriteInput(writer, root.GetProperty("input"));
        if (error is not null)
        {
            return error;
        }

        writer.WriteEndArray();
        error = WriteTools(writer, root) ?? WriteTextFormat(writer, root);
        if (error is not null)
        {
            return error;
        }

        if (echo.MaxOutputTokens is { } max)
        {
            writer.WriteNumber("max_completion_tokens"u8, max);
        }

        if (echo.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature"u8, temperature);
        }

        if (echo.TopP is { } topP)
        {
            writer.WriteNumber("top_p"u8, topP);
        }

        if (echo.User is { } user)
        {
            writer.WriteString("user"u8, user);
        }

        error = WriteReasoning(writer, root) ?? CopyScalars(writer, root);
        if (error is not null)
        {
            return error;
        }

        if (stream)
        {
            writer.WriteBoolean("stream"u8, true);
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        return null;
    }

    /// <summary><c>reasoning.effort</c> → <c>reasoning_effort</c>; its <c>summary</c> has no chat equivalent (chat deployments return no reasoning text).</summary>
    private static OpenAIError? WriteReasoning(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("reasoning", out var reasoning) || reasoning.ValueKind != JsonValueKind.Object
            || !reasoning.TryGetProperty("effort", out var effort) || effort.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (effort.ValueKind != JsonValueKind.String)
        {
            return OpenAIError.InvalidType("reasoning.effort", "a string");
        }

        writer.WriteString("reasoning_effort"u8, effort.GetString());
        return null;
    }

    /// <summary>Settings with the same name and meaning in chat completions, copied as they are (after a type check).</summary>
    private static OpenAIError? CopyScalars(Utf8JsonWriter writer, JsonElement root)
    {
        foreach (var (name, kind) in (ReadOnlySpan<(string, JsonValueKind)>)[
            ("safety_identifier", JsonValueKind.String), ("prompt_cache_key", JsonValueKind.String),
            ("prompt_cache_retention", JsonValueKind.String), ("service_tier", JsonValueKind.String), ("top_logprobs", JsonValueKind.Number)])
        {
            if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (value.ValueKind != kind)
            {
                return OpenAIError.InvalidType(name, kind == JsonValueKind.String ? "a string" : "an integer");
            }

            if (name == "top_logprobs")
            {
                writer.WriteBoolean("logprobs"u8, true);
            }

            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }

        return null;
    }

    private static OpenAIError? Flag(JsonElement root, string name, out bool value, bool defaultValue = false)
    {
        value = defaultValue;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return OpenAIError.InvalidType(name, "a boolean");
        }

        value = element.GetBoolean();
        return null;
    }

    private static OpenAIError? OptionalString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return OpenAIError.InvalidType(name, "a string");
        }

        value = element.GetString();
        return null;
    }

    private static OpenAIError? OptionalNumber(JsonElement root, string name, double min, double max, out double? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            return OpenAIError.InvalidType(name, "a number");
        }

        if (number < min || number > max)
        {
            return Invalid($"Invalid '{name}': {element.GetRawText()} is outside {min} to {max}.", name, "invalid_value");
        }

        value = number;
        return null;
    }

    private static OpenAIError? OptionalInteger(JsonElement root, string name, int min, out int? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var number))
        {
            return OpenAIError.InvalidType(name, "an integer");
        }

        if (number < min)
        {
            return Invalid($"Invalid '{name}': integer below minimum value. Expected a value >= {min}, but got {number} instead.", name, "integer_below_min_value");
        }

        value = number;
        return null;
    }

    private static OpenAIError? OptionalObject(JsonElement root, string name, out JsonElement? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return OpenAIError.InvalidType(name, "an object");
        }

        value = element;
        return null;
    }

    internal static OpenAIError Invalid(string message, string param, string code) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    internal static OpenAIError Unsupported(string param, string message) => Invalid(message, param, "unsupported_parameter");
}
