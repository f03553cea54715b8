using System.Buffers;
using System.Text.Json;
using Gatehouse.Hosting;

namespace Gatehouse.Anthropic.Inbound;

/// <summary>
/// Translates an Anthropic <c>POST /v1/messages</c> body into an OpenAI chat completions body.
/// </summary>
/// <remarks>
/// Mapping: <c>system</c> (string or text blocks, joined with a blank line) → a first <c>system</c>
/// message; <c>messages</c> → messages (see <c>MessagesRequestTranslator.Messages.cs</c>);
/// <c>tools</c> → function tools with <c>parameters</c> = <c>input_schema</c>; <c>tool_choice</c>
/// auto/any/tool/none → "auto"/"required"/named function/"none", <c>disable_parallel_tool_use</c> →
/// <c>parallel_tool_calls: false</c>; <c>max_tokens</c>, <c>temperature</c>, <c>top_p</c> as is;
/// <c>stop_sequences</c> → <c>stop</c>; <c>metadata.user_id</c> → <c>user</c>; <c>stream</c> →
/// <c>stream: true</c> with <c>stream_options.include_usage</c>.
/// Output controls (<c>output_config</c>, <c>output_format</c>, <c>service_tier</c>): see
/// <c>MessagesRequestTranslator.Output.cs</c>. Fields chat completions cannot carry (<c>top_k</c>,
/// <c>thinking</c>, server tools, <c>container</c>, <c>mcp_servers</c>…) are never dropped: see
/// <c>MessagesRequestTranslator.Fields.cs</c>. <c>cache_control</c> is a hint with nothing to carry.
/// <c>tool_choice</c> is only sent with tools (OpenAI rejects it alone).
/// </remarks>
internal static partial class MessagesRequestTranslator
{
    public static TranslatedMessagesRequest? Translate(ReadOnlyMemory<byte> body, out AnthropicError? error) =>
        Translate(body, requireMaxTokens: true, out error);

    /// <param name="requireMaxTokens">False for <c>/v1/messages/count_tokens</c>, whose body has no <c>max_tokens</c>.</param>
    internal static TranslatedMessagesRequest? Translate(ReadOnlyMemory<byte> body, bool requireMaxTokens, out AnthropicError? error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = RequestJson.MaxDepth });
        }
        catch (JsonException ex)
        {
            error = AnthropicError.InvalidJson(RequestJson.FindError(body.Span) ?? $"line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}");
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = AnthropicError.InvalidJson("the body is not a JSON object");
                return null;
            }

            error = Validate(root, requireMaxTokens, out var model, out var stream);
            if (error is not null)
            {
                return null;
            }

            AnthropicError? untranslatable = null;
            CheckTopLevelFields(root, ref untranslatable);
            var output = new ArrayBufferWriter<byte>(body.Length + 256);
            using (var writer = new Utf8JsonWriter(output))
            {
                error = Write(writer, root, model!, stream, ref untranslatable);
            }

            return error is null
                ? new TranslatedMessagesRequest { OpenAIBody = output.WrittenMemory, Model = model!, Stream = stream, Untranslatable = untranslatable }
                : null;
        }
    }

    /// <summary>Top-level checks, in the order Anthropic reports them.</summary>
    private static AnthropicError? Validate(JsonElement root, bool requireMaxTokens, out string? model, out bool stream)
    {
        model = null;
        stream = false;
        if (!root.TryGetProperty("model", out var modelElement) || modelElement.ValueKind == JsonValueKind.Null)
        {
            return AnthropicError.Missing("model");
        }

        if (modelElement.ValueKind != JsonValueKind.String || modelElement.GetString() is not { Length: > 0 } name)
        {
            return AnthropicError.InvalidType("model", "a non-empty string");
        }

        model = name;
        if (!root.TryGetProperty("max_tokens", out var maxTokens) || maxTokens.ValueKind == JsonValueKind.Null)
        {
            if (requireMaxTokens)
            {
                return AnthropicError.Missing("max_tokens");
            }
        }
        else if (maxTokens.ValueKind != JsonValueKind.Number || !maxTokens.TryGetInt32(out var max))
        {
            return AnthropicError.InvalidType("max_tokens", "a valid integer");
        }
        else if (max < 1)
        {
            return AnthropicError.InvalidRequest("max_tokens: Input should be greater than or equal to 1");
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind == JsonValueKind.Null)
        {
            return AnthropicError.Missing("messages");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return AnthropicError.InvalidType("messages", "a valid list");
        }

        if (messages.GetArrayLength() == 0)
        {
            return AnthropicError.InvalidRequest("messages: at least one message is required");
        }

        if (root.TryGetProperty("stream", out var streamElement))
        {
            if (streamElement.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                stream = streamElement.GetBoolean();
            }
            else if (streamElement.ValueKind != JsonValueKind.Null)
            {
                return AnthropicError.InvalidType("stream", "a valid boolean");
            }
        }

        return null;
    }

    private static AnthropicError? Write(Utf8JsonWriter writer, JsonElement root, string model, bool stream, ref AnthropicError? untranslatable)
    {
        writer.WriteStartObject();
        writer.WriteString("model"u8, model);

        writer.WriteStartArray("messages"u8);
        var error = WriteSystem(writer, root) ?? WriteMessages(writer, root.GetProperty("messages"));
        if (error is not null)
        {
            return error;
        }

        writer.WriteEndArray();

        error = CopyNumber(writer, root, "max_tokens", "max_tokens"u8)
            ?? WriteStop(writer, root)
            ?? CopyNumber(writer, root, "temperature", "temperature"u8)
            ?? CopyNumber(writer, root, "top_p", "top_p"u8)
            ?? WriteTools(writer, root, ref untranslatable)
            ?? WriteUser(writer, root, ref untranslatable)
            ?? WriteOutput(writer, root, ref untranslatable)
            ?? WriteServiceTier(writer, root);
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

    private static AnthropicError? WriteSystem(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("system", out var system) || system.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        string text;
        if (system.ValueKind == JsonValueKind.String)
        {
            text = system.GetString()!;
        }
        else if (system.ValueKind == JsonValueKind.Array)
        {
            var parts = new List<string>();
            var i = 0;
            foreach (var block in system.EnumerateArray())
            {
                var path = $"system.{i++}";
                if (BlockType(block) != "text")
                {
                    return AnthropicError.InvalidRequest($"{path}.type: Input should be 'text'");
                }

                if (!TryGetString(block, "text", out var part))
                {
                    return AnthropicError.Missing($"{path}.text");
                }

                parts.Add(part);
            }

            text = string.Join("\n\n", parts);
        }
        else
        {
            return AnthropicError.InvalidType("system", "a valid string or a list of text blocks");
        }

        if (text.Length > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WriteString("content"u8, text);
            writer.WriteEndObject();
        }

        return null;
    }

    private static AnthropicError? WriteStop(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("stop_sequences", out var stops) || stops.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (stops.ValueKind != JsonValueKind.Array)
        {
            return AnthropicError.InvalidType("stop_sequences", "a valid list");
        }

        if (stops.GetArrayLength() == 0)
        {
            return null;
        }

        writer.WriteStartArray("stop"u8);
        var i = 0;
        foreach (var stop in stops.EnumerateArray())
        {
            if (stop.ValueKind != JsonValueKind.String)
            {
                return AnthropicError.InvalidType($"stop_sequences.{i}", "a valid string");
            }

            writer.WriteStringValue(stop.GetString());
            i++;
        }

        writer.WriteEndArray();
        return null;
    }

    private static AnthropicError? CopyNumber(Utf8JsonWriter writer, JsonElement root, string name, ReadOnlySpan<byte> openAIName)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            return AnthropicError.InvalidType(name, "a valid number");
        }

        writer.WritePropertyName(openAIName);
        value.WriteTo(writer);
        return null;
    }

    private static AnthropicError? WriteUser(Utf8JsonWriter writer, JsonElement root, ref AnthropicError? untranslatable)
    {
        if (!Present(root, "metadata", out var metadata))
        {
            return null;
        }

        if (metadata.ValueKind != JsonValueKind.Object)
        {
            return AnthropicError.InvalidType("metadata", "a valid dictionary");
        }

        foreach (var property in metadata.EnumerateObject())
        {
            if (property.Name != "user_id")
            {
                Untranslatable(ref untranslatable, $"metadata.{property.Name}", property.Value);
            }
        }

        if (!Present(metadata, "user_id", out var user))
        {
            return null;
        }

        if (user.ValueKind != JsonValueKind.String)
        {
            return AnthropicError.InvalidType("metadata.user_id", "a valid string");
        }

        writer.WriteString("user"u8, user.GetString());
        return null;
    }

    private static string? BlockType(JsonElement block) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static bool TryGetString(JsonElement element, string name, out string value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String)
        {
            value = property.GetString()!;
            return true;
        }

        value = "";
        return false;
    }
}
