namespace Gatehouse.Configuration;

/// <summary>
/// <c>Gatehouse:Cache</c>: the exact-match response cache. Off unless turned on here (for every
/// model), per model alias, per key, or per call with <c>x-gatehouse-cache: on</c>.
/// </summary>
public sealed class CacheOptions
{
    /// <summary>Cache every model's answers unless its alias says otherwise.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long a stored answer is served.</summary>
    public int TtlSeconds { get; set; } = 3600;

    /// <summary>The longest TTL a call may ask for with <c>x-gatehouse-cache-ttl</c>.</summary>
    public int MaxTtlSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>Answers larger than this are served (and shared with identical calls in flight) but not stored.</summary>
    public int MaxEntryKilobytes { get; set; } = 4096;

    /// <summary>Memory the in-process cache may hold; the least recently used answers go first.</summary>
    public int MaxMemoryMegabytes { get; set; } = 256;
}
