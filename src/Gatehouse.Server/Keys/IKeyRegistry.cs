namespace Gatehouse.Keys;

/// <summary>
/// Key lookup and invalidation: what every call authenticates against, without touching the
/// database. The store is the source of truth; an implementation holds a copy that writers and
/// the shared-state listener keep current (<see cref="Put"/> after a change lands or is announced).
/// The default, <see cref="KeyRegistry"/>, keeps it in process memory.
/// </summary>
internal interface IKeyRegistry
{
    void SetMasterKeyHash(string hash);

    /// <summary>Adds or replaces every key given (a full reload; keys are never deleted, only revoked).</summary>
    void Load(IEnumerable<VirtualKey> keys);

    /// <summary>Adds or replaces one key, as the store now has it.</summary>
    void Put(VirtualKey key);

    /// <summary>
    /// Adds a key read from the store only when the registry has no copy of it (a key learned on a
    /// miss, <see cref="StoredKeyLookup"/>): a copy put meanwhile by a notice or reload is as new or
    /// newer, and overwriting it could bring back a key revoked in between.
    /// </summary>
    bool TryAdd(VirtualKey key);

    /// <summary>Checks the key the request presents (<see cref="PresentedKey"/>).</summary>
    KeyCheck Check(HttpRequest request, out CallerIdentity? caller);

    KeyCheck Check(ReadOnlySpan<char> secret, out CallerIdentity? caller);

    /// <summary>
    /// Checks an identity authenticated earlier (a call Gatehouse makes on its behalf) against the
    /// keys as they are now: a key revoked or expired since fails, and the identity returned carries
    /// the key's current settings (routing, limits).
    /// </summary>
    KeyCheck Recheck(CallerIdentity identity, out CallerIdentity? caller);
}
