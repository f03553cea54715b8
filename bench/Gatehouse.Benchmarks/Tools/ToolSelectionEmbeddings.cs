using System.Runtime.InteropServices;
using Gatehouse.Providers.Local;
using Gatehouse.Tools;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>
/// Embedding similarity for the benchmark, from all-MiniLM-L6-v2 run in process through the
/// gateway's own <see cref="LocalEmbeddingModel"/>: the model a <c>Type: Local</c> deployment serves
/// (the default <c>local-minilm</c> alias), so with <c>Tools:EmbeddingModel</c> set to it the
/// benchmark measures exactly what the gateway computes. The gateway can equally ask any other
/// <c>/v1/embeddings</c> deployment; this one needs no download and no network.
/// Tools are embedded as <see cref="ToolEmbedder.TextOf"/> writes them and queries as the last user
/// message, exactly what the gateway sends to <c>Tools:EmbeddingModel</c>. Vectors are kept in a
/// file next to the binaries so re-runs skip the minute and a half of encoding.
/// </summary>
internal sealed class ToolSelectionEmbeddings
{
    public const string Model = LocalEmbeddingModels.MiniLM;

    /// <summary>
    /// The vector cache next to the binaries. Named after the code path as well as the model: vectors
    /// written before the benchmark went through <see cref="LocalEmbeddingModel"/> (SentenceEncoder
    /// called directly, 64 texts a run) sit in <c>all-MiniLM-L6-v2.vectors</c> and must not stand in for it.
    /// </summary>
    public static string CacheFile => Path.Combine(AppContext.BaseDirectory, $"{Model}.local-model.vectors");

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
            Console.WriteLine($"embedding {missing.Length} texts with {Model} through LocalEmbeddingModel (once; kept in {cacheFile}) ...");
            var model = new LocalEmbeddingModels().Get(Model)!;

            // A console command with no synchronization context: blocking on the task is safe here.
            var (encoded, _) = model.EmbedAsync(missing, CancellationToken.None).GetAwaiter().GetResult();
            for (var i = 0; i < missing.Length; i++)
            {
                vectors[missing[i]] = Normalized(encoded[i]);
            }

            Write(cacheFile, vectors);
        }

        return new ToolSelectionEmbeddings(vectors);
    }

    /// <summary>Cosine similarity of the case's query (<paramref name="signals"/>' last user message) to each tool.</summary>
    public float[] Similarity(ToolSignals signals, IReadOnlyList<CatalogTool> tools) => Similarity(signals.LastUserText ?? "", tools);

    /// <summary>Cosine similarity of a text embedded at load (a case's last user message) to each tool.</summary>
    public float[] Similarity(string text, IReadOnlyList<CatalogTool> tools)
    {
        var query = _vectors[text];
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

    /// <summary>Scaled to unit length as <see cref="ToolEmbedder"/> scales every vector it reads from an embeddings answer.</summary>
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
