namespace Gatehouse.Configuration;

/// <summary>
/// <c>Gatehouse:Redis</c>: how replicas share state through Redis. Redis itself is on only when
/// <c>ConnectionStrings:Redis</c> is set; these settings mean nothing without it.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>Prefix of every Redis key Gatehouse writes, so several deployments (or tests) can share one server.</summary>
    public string KeyPrefix { get; set; } = "gatehouse:";

    /// <summary>
    /// Stop the start when Redis cannot be reached then. Off by default: a replica starts, applies the
    /// failure policies below, and switches to shared state when Redis comes up.
    /// </summary>
    public bool RequiredAtStart { get; set; }

    /// <summary>How long one connection attempt may take.</summary>
    public int ConnectTimeoutMilliseconds { get; set; } = 2000;

    /// <summary>What request, token and concurrency limits do while Redis is unreachable.</summary>
    public RedisLimitsPolicy LimitsWhenUnreachable { get; set; } = RedisLimitsPolicy.PerReplicaShare;

    /// <summary>What budgets do while Redis is unreachable.</summary>
    public RedisBudgetsPolicy BudgetsWhenUnreachable { get; set; } = RedisBudgetsPolicy.FailClosed;

    /// <summary>How often a replica announces itself; the replica count divides caps while Redis is down.</summary>
    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>
    /// How long a budget reservation left by a killed replica lives before Redis drops it. (A
    /// concurrency lease lives its deployment's timeout plus 30 s; a token reservation is paid back
    /// by the bucket's refill within a minute.)
    /// </summary>
    public int ReservationTimeoutSeconds { get; set; } = 900;
}

/// <summary>Limits while Redis is unreachable.</summary>
public enum RedisLimitsPolicy
{
    /// <summary>Each replica enforces the cap divided by the last known replica count, in process.</summary>
    PerReplicaShare,

    /// <summary>Each replica enforces the whole cap in process (the sum over replicas may exceed it).</summary>
    PerReplicaFull,

    /// <summary>Refuse every call that has a limit: 429 with <c>Retry-After: 5</c> (a key's limit), or the deployment counted as busy.</summary>
    FailClosed,
}

/// <summary>Budgets while Redis is unreachable.</summary>
public enum RedisBudgetsPolicy
{
    /// <summary>Refuse calls that a budget governs with 503 <c>budget_unavailable</c>, in the caller's dialect.</summary>
    FailClosed,

    /// <summary>Admit calls against the budget's remaining amount divided by the last known replica count, in process.</summary>
    FailOpenPerReplicaShare,
}
