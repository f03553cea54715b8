using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text.Json;
using Gatehouse.Configuration;
using Gatehouse.Usage;
using Microsoft.Extensions.Options;

namespace Gatehouse.Tools;

/// <summary>
/// Profiles of tool definitions by a 128-bit hash of their bytes: an assistant sends the same tools
/// on every call, so each definition is tokenized and counted once per process. Bounded: when full,
/// it starts over (a cheap, safe policy for a cache whose misses cost microseconds, not a database).
/// </summary>
internal sealed class ToolProfileCache(ITokenCounter tokenCounter, IOptionsMonitor<GatehouseOptions> options)
{
    private readonly ConcurrentDictionary<UInt128, ToolProfile> _profiles = new();

    public int Count => _profiles.Count;

    public ToolProfile Get(ReadOnlySpan<byte> definition, CancellationToken cancellationToken = default)
    {
        var hash = XxHash128.HashToUInt128(definition);
        if (_profiles.TryGetValue(hash, out var profile))
        {
            return profile;
        }

        var reader = new Utf8JsonReader(definition);
        using var document = JsonDocument.ParseValue(ref reader);
        profile = ToolProfileBuilder.Build(document.RootElement, tokenCounter, cancellationToken);
        if (_profiles.Count >= options.CurrentValue.Tools.ProfileCacheSize)
        {
            _profiles.Clear();
        }

        return _profiles.GetOrAdd(hash, profile);
    }
}
