using System.Buffers;
using System.Text.Json;

namespace Gatehouse.Executions;

/// <summary>
/// Writes the OpenAI chat completion request for one attempt: the rendered messages (plus the
/// repair turns so far), the version's parameters and tools as they are, the overrides over them,
/// and a <c>response_format</c> asking for the schema (or for JSON) unless the parameters set one.
/// </summary>
internal static class ChatRequestBody
{
    /// <summary>What a schema-bound answer is called in <c>response_format.json_schema.name</c>.</summary>
    public const string SchemaName = "output";

    public static byte[] Build(RenderedCall call, ExecutionOverrides? overrides, IReadOnlyList<JsonElement> repairTurns, bool stream)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", overrides?.Model ?? call.Model);
            writer.WriteStartArray("messages");
            foreach (var message in call.Messages.EnumerateArray())
            {
                message.WriteTo(writer);
            }

            foreach (var turn in repairTurns)
            {
                turn.WriteTo(writer);
            }

            writer.WriteEndArray();

            var hasResponseFormat = false;
            if (call.Parameters is { ValueKind: JsonValueKind.Object } parameters)
            {
                foreach (var member in parameters.EnumerateObject())
                {
                    if (IsReplaced(member.Name, call, overrides))
                    {
                        continue;
                    }

                    hasResponseFormat |= member.NameEquals("response_format");
                    member.WriteTo(writer);
                }
            }

            if (overrides?.Temperature is { } temperature)
            {
                writer.WriteNumber("temperature", temperature);
            }

            if (overrides?.MaxTokens is { } maxTokens)
            {
                writer.WriteNumber("max_tokens", maxTokens);
            }

            if (call.Tools is { ValueKind: JsonValueKind.Array } tools && tools.GetArrayLength() > 0)
            {
                writer.WritePropertyName("tools");
                tools.WriteTo(writer);
            }

            if (!hasResponseFormat)
            {
                WriteResponseFormat(writer, call);
            }

            if (stream)
            {
                writer.WriteBoolean("stream", true);
                writer.WriteStartObject("stream_options");
                writer.WriteBoolean("include_usage", true);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parameters that the call's own fields or an override decide.</summary>
    private static bool IsReplaced(string name, RenderedCall call, ExecutionOverrides? overrides) => name switch
    {
        "model" or "messages" or "stream" or "stream_options" => true,
        "tools" => call.Tools is { ValueKind: JsonValueKind.Array },
        "temperature" => overrides?.Temperature is not null,
        "max_tokens" or "max_completion_tokens" => overrides?.MaxTokens is not null,
        _ => false,
    };

    private static void WriteResponseFormat(Utf8JsonWriter writer, RenderedCall call)
    {
        if (call.OutputSchema is { } schema)
        {
            // Not "strict": OpenAI's strict mode refuses schemas outside its subset; Gatehouse validates the answer itself.
            writer.WriteStartObject("response_format");
            writer.WriteString("type", "json_schema");
            writer.WriteStartObject("json_schema");
            writer.WriteString("name", SchemaName);
            writer.WritePropertyName("schema");
            schema.WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        else if (call.JsonOutput)
        {
            writer.WriteStartObject("response_format");
            writer.WriteString("type", "json_object");
            writer.WriteEndObject();
        }
    }
}
