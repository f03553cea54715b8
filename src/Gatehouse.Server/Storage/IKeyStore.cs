using Gatehouse.Keys;
using Gatehouse.Routing;

namespace Gatehouse.Storage;

public interface IKeyStore
{
    Task InsertAsync(VirtualKey key, CancellationToken cancellationToken);

    /// <summary>All keys, revoked ones included, oldest first. Loaded once at start into the in-memory registry.</summary>
    Task<IReadOnlyList<VirtualKey>> ListAsync(CancellationToken cancellationToken);

    Task<VirtualKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces the key's routing preferences (null clears them); returns false when no such key exists.</summary>
    Task<bool> UpdateRoutingAsync(string id, RoutingPreferences? routing, CancellationToken cancellationToken);

    /// <summary>Replaces the key's response-cache settings (null clears them); false when no such key exists.</summary>
    Task<bool> UpdateCacheAsync(string id, KeyCacheSettings? cache, CancellationToken cancellationToken);
    /// <summary>Sets the key's tool prefiltering (null = as the model alias is configured); returns false when no such key exists.</summary>
    Task<bool> UpdateToolPrefilterAsync(string id, bool? prefilter, CancellationToken cancellationToken);

    /// <summary>Marks the key revoked; returns false when no such key exists. Revoking twice keeps the first time.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken);
}
