using System.Buffers;
using System.Text.Json;

namespace Gatehouse.OpenAI;

/// <summary>Writes <see cref="OpenAIError"/> bodies, as a response or as a stream event.</summary>
internal static class OpenAIErrorWriter
{
    public static async Task WriteResponseAsync(HttpResponse response, OpenAIError error, CancellationToken cancellationToken)
    {
        response.StatusCode = error.StatusCode;
        response.ContentType = "application/json";
        WriteJson(response.BodyWriter, error);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>An SSE <c>data:</c> event carrying the error, for failures after a stream has started.</summary>
    public static void WriteStreamEvent(System.Buffers.IBufferWriter<byte> output, OpenAIError error)
    {
        output.Write("data: "u8);
        WriteJson(output, error);
        output.Write("\n\n"u8);
    }

    public static void WriteJson(System.Buffers.IBufferWriter<byte> output, OpenAIError error)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", error.Message);
        writer.WriteString("type", error.Type);
        WriteNullable(writer, "param", error.Param);
        WriteNullable(writer, "code", error.Code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
