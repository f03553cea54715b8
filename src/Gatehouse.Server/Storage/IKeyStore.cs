using Gatehouse.Keys;
using Gatehouse.Routing;

namespace Gatehouse.Storage;

public interface IKeyStore
{
    Task InsertAsync(VirtualKey key, CancellationToken cancellationToken);

    /// <summary>All keys, revoked ones included, oldest first. Loaded once at start into the in-memory registry.</summary>
    Task<IReadOnlyList<VirtualKey>> ListAsync(CancellationToken cancellationToken);

    Task<VirtualKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The key whose secret hashes to <paramref name="keyHash"/> (<see cref="KeyHasher"/>), revoked or not; null when none does. The hash is unique and indexed.</summary>
    Task<VirtualKey?> GetByHashAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>Applies every part of <paramref name="change"/> at once (routing preferences, cache settings, tool prefiltering; a null part clears it); false when no such key exists.</summary>
    Task<bool> UpdateSettingsAsync(string id, KeySettingsChange change, CancellationToken cancellationToken);

    /// <summary>Marks the key revoked; returns false when no such key exists. Revoking twice keeps the first time.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken);
}
