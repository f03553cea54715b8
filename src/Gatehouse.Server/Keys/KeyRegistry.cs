using System.Collections.Concurrent;

namespace Gatehouse.Keys;

/// <summary>
/// Every key's hash, in memory, so authenticating a call never touches the database. The store is
/// the source of truth; the registry is loaded from it at start, updated after each change lands
/// here, reloaded per key when another replica announces a change, and fully on a timer.
/// </summary>
internal sealed class KeyRegistry(TimeProvider timeProvider) : IKeyRegistry
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

    public bool TryAdd(VirtualKey key) => _byHash.TryAdd(key.KeyHash, key);

    /// <summary>Checks the key the request presents (<see cref="PresentedKey"/>).</summary>
    public KeyCheck Check(HttpRequest request, out CallerIdentity? caller)
    {
        if (!PresentedKey.TryRead(request, out var secret))
        {
            caller = null;
            return KeyCheck.Malformed;
        }

        return Check(secret, out caller);
    }

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

        return Admit(key, out caller);
    }

    /// <summary>
    /// Checks an identity authenticated earlier (a call Gatehouse makes on its behalf) against the
    /// keys as they are now: a key revoked or expired since fails, and the identity returned carries
    /// the key's current settings (routing, limits).
    /// </summary>
    public KeyCheck Recheck(CallerIdentity identity, out CallerIdentity? caller)
    {
        caller = null;
        if (identity.IsAdmin)
        {
            caller = _masterKeyHash is null ? null : CallerIdentity.Master;
            return caller is null ? KeyCheck.Unknown : KeyCheck.Valid;
        }

        return identity.Key is { } known && _byHash.TryGetValue(known.KeyHash, out var key) ? Admit(key, out caller) : KeyCheck.Unknown;
    }

    private KeyCheck Admit(VirtualKey key, out CallerIdentity? caller)
    {
        caller = null;
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
