namespace Gatehouse.Caching;

/// <summary>How the response cache has served calls since start, for metrics and <c>/api/status</c>.</summary>
internal sealed class CacheCounters
{
    private long _hits;
    private long _misses;
    private long _coalesced;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public long Coalesced => Interlocked.Read(ref _coalesced);

    public void Count(string status)
    {
        switch (status)
        {
            case CacheStatuses.Hit:
                Interlocked.Increment(ref _hits);
                break;
            case CacheStatuses.Miss:
                Interlocked.Increment(ref _misses);
                break;
            case CacheStatuses.Coalesced:
                Interlocked.Increment(ref _coalesced);
                break;
        }
    }
}

/// <summary>The values of <c>x-gatehouse-cache-status</c> and of a record's <c>cacheStatus</c>.</summary>
internal static class CacheStatuses
{
    public const string Hit = "hit";
    public const string Miss = "miss";
    public const string Coalesced = "coalesced";
}
