using Gatehouse.Configuration;

namespace Gatehouse.Routing;

/// <summary>
/// How calls should be routed where they differ from their model alias's configuration. A key can
/// carry them (stored with the key, set through <c>/api/keys</c>); a call can send them as
/// <c>x-gatehouse-*</c> headers, which win over the key's. Unset values fall through.
/// </summary>
public sealed record RoutingPreferences
{
    /// <summary>Nothing differs: the alias's configuration as it is.</summary>
    public static readonly RoutingPreferences None = new();

    /// <summary>Which deployment is tried first, instead of the alias's <c>Strategy</c>.</summary>
    public RoutingStrategy? Strategy { get; init; }

    /// <summary><c>false</c>: only the first deployment is tried (its own retries still apply).</summary>
    public bool? Fallback { get; init; }

    /// <summary>Retries on each deployment tried, instead of its <c>Resilience:Retries</c>.</summary>
    public int? MaxRetries { get; init; }

    /// <summary>These preferences, with <paramref name="defaults"/> filling what they leave unset.</summary>
    public RoutingPreferences Over(RoutingPreferences? defaults) => defaults is null ? this : ReferenceEquals(this, None) ? defaults : new()
    {
        Strategy = Strategy ?? defaults.Strategy,
        Fallback = Fallback ?? defaults.Fallback,
        MaxRetries = MaxRetries ?? defaults.MaxRetries,
    };
}
