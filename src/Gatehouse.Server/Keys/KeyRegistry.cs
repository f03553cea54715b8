using System.Collections.Concurrent;

namespace Gatehouse.Keys;

/// <summary>
/// Every key's hash, in memory, so authenticating a call never touches the database. The store is
/// the source of truth; the registry is loaded from it at start and updated after each change lands.
/// </summary>
internal sealed class KeyRegistry(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, VirtualKey> _byHash = new(StringComparer.Ordinal);
    private volatile string? _masterKeyHash;

    public void SetMasterKeyHash(string hash) => _masterKeyHash = hash;

    public void Load(IEnumerable<VirtualKey> keys)
    {
        foreach (var key in keys)
        {
            _byHash[key.KeyHash] = key;
        }
    }

    /// <summary>Adds or replaces a key (after creation or revocation was stored).</summary>
    public void Put(VirtualKey key) => _byHash[key.KeyHash] = key;

    public KeyCheck Check(ReadOnlySpan<char> secret, out CallerIdentity? caller)
    {
        caller = null;
        if (secret.IsEmpty)
        {
            return KeyCheck.Missing;
        }

        var hash = KeyHasher.Hash(secret);
        if (string.Equals(hash, _masterKeyHash, StringComparison.Ordinal))
        {
            caller = CallerIdentity.Master;
            return KeyCheck.Valid;
        }

        if (!_byHash.TryGetValue(hash, out var key))
        {
            return KeyCheck.Unknown;
        }

        if (key.RevokedAt is not null)
        {
            return KeyCheck.Revoked;
        }

        if (key.ExpiresAt is { } expiresAt && expiresAt <= timeProvider.GetUtcNow())
        {
            return KeyCheck.Expired;
        }

        caller = new CallerIdentity(key.Id, IsAdmin: false, key);
        return KeyCheck.Valid;
    }
}
