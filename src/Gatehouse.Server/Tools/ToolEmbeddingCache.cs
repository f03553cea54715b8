using System.Collections.Concurrent;
using Gatehouse.Configuration;
using Microsoft.Extensions.Options;

namespace Gatehouse.Tools;

/// <summary>
/// Unit-length embeddings of tool definitions, by embedding model and the 128-bit hash of the
/// definition's bytes (the same key as <see cref="ToolProfileCache"/>): a definition is embedded
/// once per model and process. Bounded like the profiles (<c>Tools:ProfileCacheSize</c>): when
/// full it starts over; a miss costs one more item in the next embeddings call.
/// </summary>
internal sealed class ToolEmbeddingCache(IOptionsMonitor<GatehouseOptions> options)
{
    private readonly ConcurrentDictionary<(string Model, UInt128 Hash), float[]> _vectors = new();

    public int Count => _vectors.Count;

    public bool TryGet(string model, UInt128 hash, out float[] vector) => _vectors.TryGetValue((model, hash), out vector!);

    public void Add(string model, UInt128 hash, float[] vector)
    {
        if (_vectors.Count >= options.CurrentValue.Tools.ProfileCacheSize)
        {
            _vectors.Clear();
        }

        _vectors[(model, hash)] = vector;
    }
}
