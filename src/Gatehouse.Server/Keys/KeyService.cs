using Gatehouse.Routing;
using Gatehouse.Storage;

namespace Gatehouse.Keys;

/// <summary>Creates and revokes keys: the store first, then the in-memory registry, so a key never works before it is durable.</summary>
internal sealed class KeyService(IKeyStore store, KeyRegistry registry, TimeProvider timeProvider)
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

        await store.InsertAsync(key, cancellationToken);
        registry.Put(key);
        return (key, secret);
    }

    /// <summary>Applies a PATCH's settings together (routing, cache, tool prefiltering); null when no such key exists. Takes effect on the next call.</summary>
    public async Task<VirtualKey?> UpdateSettingsAsync(string id, KeySettingsChange change, CancellationToken cancellationToken)
    {
        if (!await store.UpdateSettingsAsync(id, change with { Cache = change.Cache?.OrNullWhenEmpty() }, cancellationToken))
        {
            return null;
        }

        return await ReloadAsync(id, cancellationToken);
    }

    public async Task<VirtualKey?> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        if (!await store.RevokeAsync(id, timeProvider.GetUtcNow(), cancellationToken))
        {
            return null;
        }

        return await ReloadAsync(id, cancellationToken);
    }

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
