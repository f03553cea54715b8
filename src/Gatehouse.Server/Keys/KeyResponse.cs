namespace Gatehouse.Keys;

/// <summary>A key as the API shows it. <see cref="Key"/> is set only in the response that created it.</summary>
public sealed record KeyResponse(
    string Id,
    string Name,
    string? Owner,
    string Prefix,
    IReadOnlyList<string>? AllowedModels,
    DateTimeOffset? ExpiresAt,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    int? RequestsPerMinute,
    int? TokensPerMinute,
    string? Key = null,
    KeyRoutingSettings? Routing = null,
    KeyCacheSettings? Cache = null,
    bool? ToolPrefilter = null)
{
    internal static KeyResponse From(VirtualKey key, string? secret = null) =>
        new(key.Id, key.Name, key.Owner, key.Prefix, key.AllowedModels, key.ExpiresAt, key.Metadata, key.CreatedAt, key.RevokedAt, key.RequestsPerMinute, key.TokensPerMinute, secret,
            KeyRoutingSettings.From(key.Routing), key.Cache, key.ToolPrefilter);
}
