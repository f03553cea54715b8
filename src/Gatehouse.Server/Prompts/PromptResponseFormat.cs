using System.Buffers;
using System.Text.Json;

namespace Gatehouse.Prompts;

/// <summary>Builds OpenAI's <c>response_format</c> for a version's output schema.</summary>
internal static class PromptResponseFormat
{
    public const string DefaultName = "output";

    public static JsonElement From(JsonElement schema, string? name, bool strict)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "json_schema");
            writer.WriteStartObject("json_schema");
            writer.WriteString("name", name ?? DefaultName);
            writer.WritePropertyName("schema");
            schema.WriteTo(writer);
            writer.WriteBoolean("strict", strict);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }
}
