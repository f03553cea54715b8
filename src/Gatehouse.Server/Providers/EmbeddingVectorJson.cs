using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Gatehouse.Providers;

/// <summary>Writes one <c>data[].embedding</c> value as OpenAI does: a number array, or base64 of little-endian float32s for <c>encoding_format: base64</c>.</summary>
internal static class EmbeddingVectorJson
{
    public static void Write(Utf8JsonWriter w, ReadOnlySpan<float> values, bool base64)
    {
        if (!base64)
        {
            w.WriteStartArray("embedding"u8);
            foreach (var v in values) w.WriteNumberValue(v);
            w.WriteEndArray();
            return;
        }

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
}
