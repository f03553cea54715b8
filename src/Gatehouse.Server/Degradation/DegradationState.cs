using System.Text.Json;
using Gatehouse.Configuration;
using Gatehouse.Resilience;
using Gatehouse.Routing;
using Gatehouse.SharedState;
using Gatehouse.Storage;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Gatehouse.Degradation;

/// <summary>
/// The service level now in force. An operator's pinned level (kept in the settings store, so it
/// survives a restart) wins; otherwise, when automatic, the level follows the share of routed
/// deployments whose circuit breaker has taken them out of rotation. The automatic level is
/// re-evaluated at most once a second, so reading it costs nothing on the request path.
/// </summary>
internal sealed class DegradationState(
    RouteTableProvider routes,
    DeploymentResilienceRegistry resilience,
    ISettingsStore settings,
    StateSync sync,
    IOptionsMonitor<GatehouseOptions> options,
    TimeProvider timeProvider)
{
    /// <summary>The setting that holds the pinned level; replicas reload it when told it changed.</summary>
    public const string SettingName = "degradation.pinned";
    private static readonly TimeSpan EvaluationInterval = TimeSpan.FromSeconds(1);

    private volatile PinnedLevel? _pinned;
    private volatile AutomaticLevel _automatic = new(DegradationLevel.Full, 0, 0, DateTimeOffset.MinValue);

    public DegradationLevel Level => Current.Level;

    public DegradationSnapshot Current
    {
        get
        {
            var automatic = Automatic();
            return _pinned is { } pinned
                ? new DegradationSnapshot(pinned.Level, "operator", pinned.Reason, pinned.Since, automatic.Unhealthy, automatic.Total)
                : new DegradationSnapshot(automatic.Level, "automatic", null, null, automatic.Unhealthy, automatic.Total);
        }
    }

    /// <summary>Restores a level pinned before the last restart, or by another replica.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var stored = await settings.GetAsync(SettingName, cancellationToken);
        _pinned = stored is null ? null : JsonSerializer.Deserialize(stored, DegradationJsonContext.Default.PinnedLevel);
    }

    public async Task PinAsync(DegradationLevel level, string? reason, CancellationToken cancellationToken)
    {
        var pinned = new PinnedLevel(level, reason, timeProvider.GetUtcNow());
        await sync.ChangeAsync(StateChange.Setting(SettingName), async ct =>
        {
            await settings.SetAsync(SettingName, JsonSerializer.Serialize(pinned, DegradationJsonContext.Default.PinnedLevel), ct);
            _pinned = pinned;
            return true;
        }, cancellationToken);
    }

    /// <summary>Hands the level back to the automatic rule.</summary>
    public async Task UnpinAsync(CancellationToken cancellationToken)
    {
        await sync.ChangeAsync(StateChange.Setting(SettingName), async ct =>
        {
            await settings.SetAsync(SettingName, null, ct);
            _pinned = null;
            return true;
        }, cancellationToken);
    }

    /// <summary>True when the deployment's breaker has taken it out of rotation (open, isolated, or probing).</summary>
    public bool IsOutOfRotation(Deployment deployment) =>
        resilience.BreakerState(deployment) is CircuitState.Open or CircuitState.Isolated or CircuitState.HalfOpen;

    private AutomaticLevel Automatic()
    {
        var current = _automatic;
        var now = timeProvider.GetUtcNow();
        if (now - current.EvaluatedAt < EvaluationInterval)
        {
            return current;
        }

        var rule = options.CurrentValue.Degradation;
        var deployments = routes.Current.Routes.SelectMany(r => r.Deployments).DistinctBy(d => d.Name).ToList();
        var unhealthy = deployments.Count(IsOutOfRotation);
        var share = deployments.Count == 0 ? 0 : (double)unhealthy / deployments.Count;
        var level = !rule.Automatic || unhealthy == 0 ? DegradationLevel.Full
            : share >= rule.EmergencyAt ? DegradationLevel.Emergency
            : share >= rule.BasicAt ? DegradationLevel.Basic
            : share >= rule.DegradedAt ? DegradationLevel.Degraded
            : DegradationLevel.Full;
        var evaluated = new AutomaticLevel(level, unhealthy, deployments.Count, now);
        _automatic = evaluated;
        return evaluated;
    }

    private sealed record AutomaticLevel(DegradationLevel Level, int Unhealthy, int Total, DateTimeOffset EvaluatedAt);
}

/// <summary>A level an operator set, with why and when.</summary>
internal sealed record PinnedLevel(DegradationLevel Level, string? Reason, DateTimeOffset Since);

/// <summary>The level in force and where it comes from (<c>operator</c> or <c>automatic</c>), with the breaker count behind the automatic rule.</summary>
internal sealed record DegradationSnapshot(
    DegradationLevel Level,
    string Source,
    string? Reason,
    DateTimeOffset? Since,
    int DeploymentsOutOfRotation,
    int Deployments)
{
    public DegradationView ToView() => new(Level.ToString().ToLowerInvariant(), Source, Reason, Since, DeploymentsOutOfRotation, Deployments);
}

/// <summary>The degradation level as <c>/api/degradation</c> and <c>/api/status</c> show it.</summary>
public sealed record DegradationView(string Level, string Source, string? Reason, DateTimeOffset? Since, int DeploymentsOutOfRotation, int Deployments);

/// <summary>The body of <c>PUT /api/degradation</c>.</summary>
public sealed record SetDegradationRequest(string? Level, string? Reason);
