using Gatehouse.Routing;

namespace Gatehouse.Keys;

/// <summary>A virtual API key as stored: only the SHA-256 hash of the secret is kept.</summary>
public sealed record VirtualKey
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Owner { get; init; }
    /// <summary>Lower-case hex SHA-256 of the full secret.</summary>
    public required string KeyHash { get; init; }
    /// <summary>The first characters of the secret, safe to show so people can tell keys apart.</summary>
    public required string Prefix { get; init; }
    /// <summary>Public model names this key may call; null means all.</summary>
    public IReadOnlyList<string>? AllowedModels { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>Calls per minute this key may make on <c>/v1/*</c>; null = unlimited.</summary>
    public int? RequestsPerMinute { get; init; }
    /// <summary>Tokens (input + output) per minute this key may use; null = unlimited.</summary>
    public int? TokensPerMinute { get; init; }
    /// <summary>How this key's calls are routed where it differs from the model alias's configuration; null = as configured.</summary>
    public RoutingPreferences? Routing { get; init; }
    /// <summary>Response-cache settings for this key's calls; null = as the model alias is configured.</summary>
    public KeyCacheSettings? Cache { get; init; }
    /// <summary>Tool prefiltering for this key's calls (over the model alias's setting, under the call's header); null = as the alias is configured.</summary>
    public bool? ToolPrefilter { get; init; }
}
