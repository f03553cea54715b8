using System.Text.Json;
using Gatehouse.Configuration;
using Gatehouse.Keys;
using Gatehouse.Routing;

namespace Gatehouse.Storage;

/// <summary>A <c>virtual_keys</c> row as stored; lists and maps are JSON text.</summary>
internal sealed class VirtualKeyRow
{
    public const string Columns =
        """
        id AS Id, name AS Name, owner AS Owner, key_hash AS KeyHash, prefix AS Prefix,
        allowed_models AS AllowedModels, expires_at_us AS ExpiresAtUs, metadata AS Metadata,
        created_at_us AS CreatedAtUs, revoked_at_us AS RevokedAtUs, requests_per_minute AS RequestsPerMinute, tokens_per_minute AS TokensPerMinute,
        routing_strategy AS RoutingStrategy, routing_fallback AS RoutingFallback, routing_max_retries AS RoutingMaxRetries,
        cache_enabled AS CacheEnabled, cache_ttl_seconds AS CacheTtlSeconds, cache_namespace AS CacheNamespace,
        tool_prefilter AS ToolPrefilter
        """;

    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Owner { get; set; }
    public string KeyHash { get; set; } = "";
    public string Prefix { get; set; } = "";
    public string? AllowedModels { get; set; }
    public long? ExpiresAtUs { get; set; }
    public string Metadata { get; set; } = "{}";
    public long CreatedAtUs { get; set; }
    public long? RevokedAtUs { get; set; }

    public long? RequestsPerMinute { get; set; }

    public long? TokensPerMinute { get; set; }

    public string? RoutingStrategy { get; set; }

    public long? RoutingFallback { get; set; }

    public long? RoutingMaxRetries { get; set; }

    public long? CacheEnabled { get; set; }

    public long? CacheTtlSeconds { get; set; }

    public string? CacheNamespace { get; set; }

    public long? ToolPrefilter { get; set; }

    public static VirtualKeyRow FromKey(VirtualKey key) => new()
    {
        Id = key.Id,
        Name = key.Name,
        Owner = key.Owner,
        KeyHash = key.KeyHash,
        Prefix = key.Prefix,
        AllowedModels = key.AllowedModels is null
            ? null
            : JsonSerializer.Serialize(key.AllowedModels.ToArray(), StorageJsonContext.Default.StringArray),
        ExpiresAtUs = StorageValues.ToUnixMicroseconds(key.ExpiresAt),
        Metadata = JsonSerializer.Serialize(
            new Dictionary<string, string>(key.Metadata, StringComparer.Ordinal),
            StorageJsonContext.Default.DictionaryStringString),
        CreatedAtUs = StorageValues.ToUnixMicroseconds(key.CreatedAt),
        RevokedAtUs = StorageValues.ToUnixMicroseconds(key.RevokedAt),
        RequestsPerMinute = key.RequestsPerMinute,
        TokensPerMinute = key.TokensPerMinute,
        RoutingStrategy = RoutingColumns(key.Routing).Strategy,
        RoutingFallback = RoutingColumns(key.Routing).Fallback,
        RoutingMaxRetries = RoutingColumns(key.Routing).MaxRetries,
        CacheEnabled = CacheColumns(key.Cache).Enabled,
        CacheTtlSeconds = CacheColumns(key.Cache).TtlSeconds,
        CacheNamespace = CacheColumns(key.Cache).Namespace,
        ToolPrefilter = key.ToolPrefilter is { } prefilter ? (prefilter ? 1 : 0) : null,
    };

    /// <summary>A key's cache settings as their three columns (all null when it has none).</summary>
    public static (long? Enabled, long? TtlSeconds, string? Namespace) CacheColumns(KeyCacheSettings? cache) =>
        (cache?.Enabled is { } enabled ? (enabled ? 1 : 0) : null, cache?.TtlSeconds, cache?.Namespace);

    /// <summary>A key's routing preferences as their three columns (all null when it has none).</summary>
    public static (string? Strategy, long? Fallback, long? MaxRetries) RoutingColumns(RoutingPreferences? routing) =>
        (routing?.Strategy?.ToString(), routing?.Fallback is { } fallback ? (fallback ? 1 : 0) : null, routing?.MaxRetries);

    public VirtualKey ToKey() => new()
    {
        Id = Id,
        Name = Name,
        Owner = Owner,
        KeyHash = KeyHash,
        Prefix = Prefix,
        AllowedModels = AllowedModels is null
            ? null
            : JsonSerializer.Deserialize(AllowedModels, StorageJsonContext.Default.StringArray),
        ExpiresAt = StorageValues.FromUnixMicroseconds(ExpiresAtUs),
        Metadata = JsonSerializer.Deserialize(Metadata, StorageJsonContext.Default.DictionaryStringString)
            ?? new Dictionary<string, string>(),
        CreatedAt = StorageValues.FromUnixMicroseconds(CreatedAtUs),
        RevokedAt = StorageValues.FromUnixMicroseconds(RevokedAtUs),
        RequestsPerMinute = RequestsPerMinute is { } rpm ? checked((int)rpm) : null,
        TokensPerMinute = TokensPerMinute is { } tpm ? checked((int)tpm) : null,
        Routing = RoutingStrategy is null && RoutingFallback is null && RoutingMaxRetries is null ? null : new RoutingPreferences
        {
            Strategy = RoutingStrategy is null ? null : Enum.Parse<RoutingStrategy>(RoutingStrategy),
            Fallback = RoutingFallback is { } fallback ? fallback != 0 : null,
            MaxRetries = RoutingMaxRetries is { } retries ? checked((int)retries) : null,
        },
        Cache = new KeyCacheSettings
        {
            Enabled = CacheEnabled is { } enabled ? enabled != 0 : null,
            TtlSeconds = CacheTtlSeconds is { } ttl ? checked((int)ttl) : null,
            Namespace = CacheNamespace,
        }.OrNullWhenEmpty(),
        ToolPrefilter = ToolPrefilter is { } prefilter ? prefilter != 0 : null,
    };
}
