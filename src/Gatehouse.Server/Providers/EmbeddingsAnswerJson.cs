using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Gatehouse.Providers;

/// <summary>
/// Writes an OpenAI <c>/v1/embeddings</c> answer for the in-process providers (simulator, local
/// models): <see cref="WriteStart"/>, one <see cref="WriteItem"/> per input, then <see cref="WriteEnd"/>
/// with the usage, so a writer can count tokens as it goes.
/// </summary>
internal static class EmbeddingsAnswerJson
{
    public static void WriteStart(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("object"u8, "list"u8);
        w.WriteStartArray("data"u8);
    }

    /// <summary>One <c>data[]</c> entry: the vector as a number array, or base64 of little-endian float32s for <c>encoding_format: base64</c>.</summary>
    public static void WriteItem(Utf8JsonWriter w, int index, ReadOnlySpan<float> values, bool base64)
    {
        w.WriteStartObject();
        w.WriteString("object"u8, "embedding"u8);
        w.WriteNumber("index"u8, index);
        if (!base64)
        {
            w.WriteStartArray("embedding"u8);
            foreach (var v in values) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        else
        {
            var bytes = ArrayPool<byte>.Shared.Rent(values.Length * sizeof(float));
            try
            {
                for (var i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
                }

                w.WriteBase64String("embedding"u8, bytes.AsSpan(0, values.Length * sizeof(float)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }

        w.WriteEndObject();
    }

    public static void WriteEnd(Utf8JsonWriter w, string model, int tokens)
    {
        w.WriteEndArray();
        w.WriteString("model"u8, model);
        w.WriteStartObject("usage"u8);
        w.WriteNumber("prompt_tokens"u8, tokens);
        w.WriteNumber("total_tokens"u8, tokens);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
