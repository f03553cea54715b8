namespace Gatehouse.Keys;

/// <summary>Body of <c>POST /api/keys</c>.</summary>
public sealed record CreateKeyRequest
{
    public string? Name { get; init; }
    public string? Owner { get; init; }
    /// <summary>Public model names the key may call; omit or leave empty for all.</summary>
    public IReadOnlyList<string>? AllowedModels { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
    /// <summary>Calls per minute on <c>/v1/*</c>; omit for unlimited.</summary>
    public int? RequestsPerMinute { get; init; }
    /// <summary>Tokens (input + output) per minute on <c>/v1/*</c>; omit for unlimited.</summary>
    public int? TokensPerMinute { get; init; }
    /// <summary>How this key's calls are routed where it differs from the model alias; omit for as configured.</summary>
    public KeyRoutingSettings? Routing { get; init; }
    /// <summary>Response-cache settings for this key's calls; omit for as configured.</summary>
    public KeyCacheSettings? Cache { get; init; }
    /// <summary>Tool prefiltering for this key's calls (<c>true</c>/<c>false</c>); omit to follow the model alias.</summary>
    public bool? ToolPrefilter { get; init; }
}
