using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Configuration;

/// <summary>
/// <c>Gatehouse:SharedState</c>: how a replica keeps its in-memory copies of keys, budget
/// definitions and runtime settings in line with the store when other replicas change them.
/// </summary>
public sealed class SharedStateOptions
{
    /// <summary>
    /// Seconds between full reloads from the store, the safety net for change notices lost (Redis
    /// down, a replica paused). Notices apply within a second; this bounds how stale a replica can
    /// be without them. 0 turns the periodic reload off (a single replica needs none).
    /// </summary>
    [Range(0, 86_400)]
    public int ReloadSeconds { get; set; } = 30;
}
