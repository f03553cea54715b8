namespace Gatehouse.Configuration;

/// <summary>
/// <c>Gatehouse:Degradation</c>: when Gatehouse lowers its service level on its own. The level follows
/// the share of deployments taken out of rotation by their circuit breakers; an operator can pin a
/// level instead (<c>PUT /api/degradation</c>).
/// </summary>
public sealed class DegradationOptions
{
    /// <summary>False: only an operator changes the level.</summary>
    public bool Automatic { get; set; } = true;

    /// <summary>Share of deployments out of rotation at which the level becomes <c>degraded</c>.</summary>
    public double DegradedAt { get; set; } = 0.25;

    /// <summary>Share of deployments out of rotation at which the level becomes <c>basic</c>.</summary>
    public double BasicAt { get; set; } = 0.5;

    /// <summary>Share of deployments out of rotation at which the level becomes <c>emergency</c> (1 = all of them).</summary>
    public double EmergencyAt { get; set; } = 1.0;
}
