using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Gatehouse.Configuration;
using Microsoft.Extensions.Options;

namespace Gatehouse.Tools;

/// <summary>
/// Unit-length embeddings of tool definitions, by embedding model and the 128-bit hash of the
/// definition's bytes (the same key as <see cref="ToolProfileCache"/>): a definition is embedded
/// once per model and process. Bounded like the profiles (<c>Tools:ProfileCacheSize</c>): when
/// full it starts over; a miss costs one more item in the next embeddings call. Query texts have
/// their own, smaller store: an agent's tool loop sends the same last user message on every step,
/// and each repeat would otherwise pay a model run (measured: ~9 ms of CPU a call in process).
/// </summary>
internal sealed class ToolEmbeddingCache(IOptionsMonitor<GatehouseOptions> options)
{
    /// <summary>Query vectors kept; at 384–3,072 dimensions that is 6–50 MB at most.</summary>
    internal const int QueryCapacity = 4096;

    private readonly ConcurrentDictionary<(string Model, UInt128 Hash), float[]> _vectors = new();
    private readonly ConcurrentDictionary<(string Model, UInt128 Text), float[]> _queries = new();

    public int Count => _vectors.Count;

    public bool TryGet(string model, UInt128 hash, out float[] vector) => _vectors.TryGetValue((model, hash), out vector!);

    public bool TryGetQuery(string model, string text, out float[] vector) => _queries.TryGetValue((model, HashOf(text)), out vector!);

    public void AddQuery(string model, string text, float[] vector)
    {
        if (_queries.Count >= QueryCapacity)
        {
            _queries.Clear();
        }

        _queries[(model, HashOf(text))] = vector;
    }

    /// <summary>Kept by hash, not text: a user message can be long.</summary>
    private static UInt128 HashOf(string text) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(text.AsSpan()));

    public void Add(string model, UInt128 hash, float[] vector)
    {
        if (_vectors.Count >= options.CurrentValue.Tools.ProfileCacheSize)
        {
            _vectors.Clear();
        }

        _vectors[(model, hash)] = vector;
    }
}
