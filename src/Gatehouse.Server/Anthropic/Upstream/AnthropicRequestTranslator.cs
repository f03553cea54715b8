using System.Buffers;
using System.Text.Json;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>
/// Rewrites an OpenAI chat-completions request as an Anthropic Messages request.
/// </summary>
/// <remarks>
/// Mapped: <c>model</c>, <c>messages</c> (system/developer → <c>system</c>), <c>max_completion_tokens</c>
/// or <c>max_tokens</c> (else the configured default), <c>temperature</c> (clamped to 0..1),
/// <c>top_p</c>, <c>stop</c>, <c>stream</c>, <c>user</c> / <c>safety_identifier</c>, <c>tools</c>,
/// <c>tool_choice</c>, <c>parallel_tool_calls</c>, <c>response_format</c> (as a forced tool),
/// <c>n</c> (only 1), <c>reasoning_effort</c>, <c>service_tier</c>. Every other top-level field is
/// accepted only where it asks for nothing Anthropic lacks, else refused by name
/// (<c>AnthropicRequestTranslator.Fields.cs</c>). Still dropped inside messages and tools: a
/// message's <c>name</c> and a tool's <c>strict</c>.
/// </remarks>
internal static partial class AnthropicRequestTranslator
{
    public const string DefaultJsonToolName = "json_output";

    public static AnthropicTranslatedRequest Translate(ReadOnlyMemory<byte> openAIRequest, int defaultMaxTokens)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(openAIRequest, Hosting.RequestJson.DerivedDocumentOptions);
        }
        catch (JsonException ex)
        {
            return AnthropicTranslatedRequest.Failed($"We could not parse the JSON body of your request ({ex.Message}).", null, "invalid_json");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return AnthropicTranslatedRequest.Failed("The request body must be a JSON object.", null, "invalid_json");
            }

            try
            {
                return TranslateObject(document.RootElement, openAIRequest.Length, defaultMaxTokens);
            }
            catch (TranslationException ex)
            {
                return AnthropicTranslatedRequest.Failed(ex.Message, ex.Param, ex.Code);
            }
        }
    }

    private static AnthropicTranslatedRequest TranslateObject(JsonElement root, int sizeHint, int defaultMaxTokens)
    {
        if (root.TryGetProperty("n"u8, out var n) && n.ValueKind == JsonValueKind.Number && (!n.TryGetInt32(out var count) || count != 1))
        {
            throw new TranslationException("This model (Anthropic) returns one choice per request: 'n' must be 1.", "n", "unsupported_value");
        }

        CheckFields(root);
        var output = new ArrayBufferWriter<byte>(sizeHint + 256);
        var stream = false;
        string? jsonToolName;
        using (var writer = new Utf8JsonWriter(output, AnthropicJson.WriterOptions))
        {
            writer.WriteStartObject();
            if (root.TryGetProperty("model"u8, out var model) && model.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName("model"u8);
                model.WriteTo(writer);
            }

            var system = new List<string>();
            WriteMessages(writer, root, system);
            WriteSystem(writer, system);
            WriteMaxTokens(writer, root, defaultMaxTokens);
            WriteSampling(writer, root);
            WriteStop(writer, root);
            if (root.TryGetProperty("stream"u8, out var streamValue) && streamValue.ValueKind == JsonValueKind.True)
            {
                stream = true;
                writer.WriteBoolean("stream"u8, true);
            }

            WriteUser(writer, root);
            WriteEffort(writer, root);
            WriteServiceTier(writer, root);

            jsonToolName = WriteTools(writer, root);
            writer.WriteEndObject();
        }

        return new AnthropicTranslatedRequest(output.WrittenSpan.ToArray(), stream, jsonToolName, null);
    }

    private static void WriteSystem(Utf8JsonWriter writer, List<string> system)
    {
        if (system.Count == 1)
        {
            writer.WriteString("system"u8, system[0]);
        }
        else if (system.Count > 1)
        {
            // One text block per system part, in order: Anthropic concatenates them.
            writer.WriteStartArray("system"u8);
            foreach (var text in system)
            {
                WriteTextBlock(writer, text);
            }

            writer.WriteEndArray();
        }
    }

    private static void WriteMaxTokens(Utf8JsonWriter writer, JsonElement root, int defaultMaxTokens)
    {
        var maxTokens = defaultMaxTokens;
        foreach (var name in (ReadOnlySpan<string>)["max_completion_tokens", "max_tokens"])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out maxTokens) || maxTokens < 1)
                {
                    throw new TranslationException($"Invalid '{name}': expected a positive integer.", name, "invalid_type");
                }

                break;
            }
        }

        writer.WriteNumber("max_tokens"u8, maxTokens);
    }

    private static void WriteSampling(Utf8JsonWriter writer, JsonElement root)
    {
        if (root.TryGetProperty("temperature"u8, out var temperature) && temperature.ValueKind != JsonValueKind.Null)
        {
            if (temperature.ValueKind != JsonValueKind.Number)
            {
                throw new TranslationException("Invalid 'temperature': expected a number.", "temperature", "invalid_type");
            }

            // OpenAI accepts 0..2, Anthropic 0..1: values above 1 become 1.
            var value = temperature.GetDouble();
            writer.WritePropertyName("temperature"u8);
            if (value is >= 0 and <= 1)
            {
                temperature.WriteTo(writer);
            }
            else
            {
                writer.WriteNumberValue(Math.Clamp(value, 0, 1));
            }
        }

        if (root.TryGetProperty("top_p"u8, out var topP) && topP.ValueKind == JsonValueKind.Number)
        {
            writer.WritePropertyName("top_p"u8);
            topP.WriteTo(writer);
        }
    }

    private static void WriteStop(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("stop"u8, out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        writer.WriteStartArray("stop_sequences"u8);
        if (stop.ValueKind == JsonValueKind.String)
        {
            stop.WriteTo(writer);
        }
        else if (stop.ValueKind == JsonValueKind.Array)
        {
            foreach (var sequence in stop.EnumerateArray())
            {
                if (sequence.ValueKind != JsonValueKind.String)
                {
                    throw new TranslationException("Invalid 'stop': expected a string or an array of strings.", "stop", "invalid_type");
                }

                sequence.WriteTo(writer);
            }
        }
        else
        {
            throw new TranslationException("Invalid 'stop': expected a string or an array of strings.", "stop", "invalid_type");
        }

        writer.WriteEndArray();
    }

    private static void WriteTextBlock(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        writer.WriteString("text"u8, text);
        writer.WriteEndObject();
    }

    private static string? GetString(JsonElement element, ReadOnlySpan<byte> name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A request Anthropic cannot be given; becomes a 400 in OpenAI's shape.</summary>
    private sealed class TranslationException(string message, string? param, string code = "invalid_value") : Exception(message)
    {
        public string? Param { get; } = param;

        public string Code { get; } = code;
    }
}
