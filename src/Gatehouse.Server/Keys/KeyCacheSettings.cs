using Gatehouse.Caching;

namespace Gatehouse.Keys;

/// <summary>
/// A key's response-cache settings (<c>"cache": {...}</c> on <c>/api/keys</c>), stored with the key.
/// They sit between the model alias's settings and the call's <c>x-gatehouse-cache*</c> headers:
/// <c>enabled</c> turns the cache on or off for the key's calls, <c>ttlSeconds</c> sets how long
/// its answers are kept, and <c>namespace</c> keeps its answers apart from everyone else's (a
/// header namespace then nests inside it, so a key cannot read another key's namespace).
/// </summary>
public sealed record KeyCacheSettings
{
    public bool? Enabled { get; init; }

    public int? TtlSeconds { get; init; }

    public string? Namespace { get; init; }

    /// <summary>What is wrong with these settings, as <c>(field, message)</c> pairs for a ValidationProblem.</summary>
    internal IEnumerable<(string Field, string Message)> Problems()
    {
        if (TtlSeconds is < 1)
        {
            yield return ("cache.ttlSeconds", "Must be at least 1 (omit it for the model's TTL; Gatehouse:Cache:MaxTtlSeconds caps it).");
        }

        if (Namespace is not null && !CallCachePolicy.IsValidNamespace(Namespace))
        {
            yield return ("cache.namespace", $"'{Namespace}' is not a cache namespace: use 1 to 64 letters, digits, '.', '_' or '-'.");
        }
    }

    /// <summary>Null when nothing is set, so "no settings" has one form.</summary>
    internal KeyCacheSettings? OrNullWhenEmpty() => Enabled is null && TtlSeconds is null && Namespace is null ? null : this;
}
