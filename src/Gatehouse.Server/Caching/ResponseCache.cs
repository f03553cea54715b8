using Gatehouse.SharedState;
using Microsoft.Extensions.Caching.Hybrid;

namespace Gatehouse.Caching;

/// <summary>
/// Stored answers, in <see cref="HybridCache"/>: in process (L1) always, and in a distributed
/// cache (L2) when one is registered as <c>IDistributedCache</c>. Each entry is tagged with its
/// namespace so a namespace can be purged. Expiry is checked against Gatehouse's own clock.
/// HybridCache forgets tags in this process only, so a purge is also announced on the bus and
/// every other replica purges its own copy (<see cref="PurgeLocalAsync"/>).
/// </summary>
internal sealed class ResponseCache(HybridCache cache, IStateChangeBus bus, TimeProvider timeProvider)
{
    /// <summary>"Get only": never runs a factory, never writes.</summary>
    private static readonly HybridCacheEntryOptions s_readOnly = new()
    {
        Flags = HybridCacheEntryFlags.DisableUnderlyingData | HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite,
    };

    /// <summary>The stored answer for <paramref name="key"/>, or null when there is none or it expired.</summary>
    public async ValueTask<CachedAnswer?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var answer = await cache.GetOrCreateAsync<CachedAnswer?>(key, static _ => ValueTask.FromResult<CachedAnswer?>(null), s_readOnly, cancellationToken: cancellationToken);
        return answer is not null && answer.ExpiresAt > timeProvider.GetUtcNow() ? answer : null;
    }

    /// <summary>Stores a finished answer for <paramref name="ttl"/> from <paramref name="completedAt"/> (when its callers got it: the <c>Age</c> counts from there).</summary>
    public ValueTask SetAsync(string key, string space, SharedAnswer answer, bool streamed, DateTimeOffset completedAt, TimeSpan ttl)
    {
        var stored = answer.ToCachedAnswer(streamed, completedAt, ttl);
        return cache.SetAsync(key, stored, new HybridCacheEntryOptions { Expiration = ttl, LocalCacheExpiration = ttl }, [TagFor(space)]);
    }

    /// <summary>Now on the clock entries are stamped and expired by (the policy clock).</summary>
    public DateTimeOffset UtcNow => timeProvider.GetUtcNow();

    /// <summary>How long ago the answer was stored, for the <c>Age</c> header.</summary>
    public TimeSpan AgeOf(CachedAnswer answer) => timeProvider.GetUtcNow() - answer.StoredAt;

    /// <summary>Forgets every answer in a namespace, or everything when <paramref name="space"/> is null, on every replica.</summary>
    public async ValueTask PurgeAsync(string? space, CancellationToken cancellationToken)
    {
        await PurgeLocalAsync(space, cancellationToken);
        await bus.PublishAsync(StateChange.CachePurge(space), CancellationToken.None);
    }

    /// <summary>Forgets them in this replica (and marks them invalid in the shared second level, when there is one).</summary>
    public ValueTask PurgeLocalAsync(string? space, CancellationToken cancellationToken) =>
        cache.RemoveByTagAsync(space is null ? "*" : TagFor(space), cancellationToken);

    private static string TagFor(string space) => "ns:" + space;
}
