using System.ComponentModel;

namespace Gatehouse.Caching;

/// <summary>
/// An answer as its client received it: status, the headers worth repeating, and the body bytes
/// (a JSON document, or the whole event stream of a streamed call). Immutable, so the in-process
/// cache hands out the stored instance instead of a fresh copy per hit.
/// </summary>
[ImmutableObject(true)]
internal sealed class CachedAnswer(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body, bool streamed, DateTimeOffset storedAt, DateTimeOffset expiresAt)
{
    public int StatusCode { get; } = statusCode;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; } = headers;

    public byte[] Body { get; } = body;

    public bool Streamed { get; } = streamed;

    public DateTimeOffset StoredAt { get; } = storedAt;

    /// <summary>Checked on every read against Gatehouse's clock, so a TTL is exact (and testable) whatever the store evicts.</summary>
    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>Roughly what the entry holds in memory, for the cache's size limit.</summary>
    public long ApproximateSize => Body.Length + Headers.Sum(h => (h.Key.Length + h.Value.Length) * 2L) + 64;
}
