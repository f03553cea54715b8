using Gatehouse.Routing;

namespace Gatehouse.Keys;

/// <summary>
/// The settings one <c>PATCH /api/keys/{id}</c> changes, stored in one statement so a change to
/// several of them lands whole or not at all. Each part changes only when the body named it; its
/// value may be null, which clears it.
/// </summary>
public sealed record KeySettingsChange
{
    public bool SetsRouting { get; init; }

    public RoutingPreferences? Routing { get; init; }

    public bool SetsCache { get; init; }

    public KeyCacheSettings? Cache { get; init; }

    public bool SetsToolPrefilter { get; init; }

    /// <summary>Null: as the model alias is configured.</summary>
    public bool? ToolPrefilter { get; init; }
}
