using Gatehouse.Routing;
using Gatehouse.SharedState;
using Gatehouse.Storage;

namespace Gatehouse.Keys;

/// <summary>
/// Creates, changes and revokes keys: the store first, then the registry, so a key never works
/// before it is durable; then a notice, so the other replicas reload it within a second.
/// </summary>
internal sealed class KeyService(IKeyStore store, IKeyRegistry registry, StateSync sync, TimeProvider timeProvider)
{
    public async Task<(VirtualKey Key, string Secret)> CreateAsync(CreateKeyRequest request, CancellationToken cancellationToken)
    {
        var secret = ApiKeyGenerator.NewSecret();
        var key = new VirtualKey
        {
            Id = ApiKeyGenerator.NewId(),
            Name = request.Name!.Trim(),
            Owner = string.IsNullOrWhiteSpace(request.Owner) ? null : request.Owner.Trim(),
            KeyHash = KeyHasher.Hash(secret),
            Prefix = secret[..ApiKeyGenerator.VisiblePrefixLength],
            AllowedModels = request.AllowedModels is { Count: > 0 } models ? [.. models] : null,
            ExpiresAt = request.ExpiresAt,
            Metadata = request.Metadata ?? new Dictionary<string, string>(),
            CreatedAt = timeProvider.GetUtcNow(),
            RequestsPerMinute = request.RequestsPerMinute,
            TokensPerMinute = request.TokensPerMinute,
            Routing = request.Routing?.ToPreferences(),
            Cache = request.Cache?.OrNullWhenEmpty(),
            ToolPrefilter = request.ToolPrefilter,
        };

        await sync.ChangeAsync(StateChange.Key(key.Id), async ct =>
        {
            await store.InsertAsync(key, ct);
            registry.Put(key);
            return true;
        }, cancellationToken);
        return (key, secret);
    }

    /// <summary>Applies a PATCH's settings together (routing, cache, tool prefiltering); null when no such key exists. Takes effect on the next call.</summary>
    public Task<VirtualKey?> UpdateSettingsAsync(string id, KeySettingsChange change, CancellationToken cancellationToken) =>
        sync.ChangeAsync(StateChange.Key(id), async ct =>
            await store.UpdateSettingsAsync(id, change with { Cache = change.Cache?.OrNullWhenEmpty() }, ct) ? await ReloadAsync(id, ct) : null,
            cancellationToken);

    public Task<VirtualKey?> RevokeAsync(string id, CancellationToken cancellationToken) =>
        sync.ChangeAsync(StateChange.Key(id), async ct =>
            await store.RevokeAsync(id, timeProvider.GetUtcNow(), ct) ? await ReloadAsync(id, ct) : null,
            cancellationToken);

    /// <summary>Reads a changed key back and puts it in the registry, so the change applies from the next call.</summary>
    private async Task<VirtualKey?> ReloadAsync(string id, CancellationToken cancellationToken)
    {
        var key = await store.GetAsync(id, cancellationToken);
        if (key is not null)
        {
            registry.Put(key);
        }

        return key;
    }
}
