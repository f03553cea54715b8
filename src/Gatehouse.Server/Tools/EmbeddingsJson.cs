using System.Buffers;
using System.Text.Json;

namespace Gatehouse.Tools;

/// <summary>The <c>/v1/embeddings</c> request the prefilter sends and the vectors it reads back.</summary>
internal static class EmbeddingsJson
{
    public static byte[] Request(string model, IReadOnlyList<string> texts)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + texts.Sum(static t => t.Length + 4));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, model);
            writer.WriteStartArray("input"u8);
            foreach (var text in texts)
            {
                writer.WriteStringValue(text);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The <c>data[].embedding</c> arrays by <c>index</c>, each scaled to unit length.</summary>
    /// <exception cref="InvalidDataException">The answer does not hold <paramref name="expected"/> vectors.</exception>
    public static float[][] ReadVectors(ReadOnlySpan<byte> json, int expected)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var vectors = new float[expected][];
        foreach (var item in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var index = item.GetProperty("index").GetInt32();
            var embedding = item.GetProperty("embedding");
            var vector = new float[embedding.GetArrayLength()];
            var k = 0;
            foreach (var value in embedding.EnumerateArray())
            {
                vector[k++] = value.GetSingle();
            }

            var norm = MathF.Sqrt(Dot(vector, vector));
            if (norm > 0)
            {
                for (var j = 0; j < vector.Length; j++)
                {
                    vector[j] /= norm;
                }
            }

            vectors[index] = vector;
        }

        if (Array.Exists(vectors, static v => v is null || v.Length == 0))
        {
            throw new InvalidDataException($"The embeddings answer did not hold the {expected} vectors asked for.");
        }

        return vectors;
    }

    public static float Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
