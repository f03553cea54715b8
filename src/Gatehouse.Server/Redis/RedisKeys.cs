namespace Gatehouse.Redis;

/// <summary>The key layout under <c>Gatehouse:Redis:KeyPrefix</c>; one place, so no two features collide.</summary>
internal static class RedisKeys
{
    /// <summary>Replica heartbeats: a sorted set of replica id → last beat (ms).</summary>
    public const string Replicas = "replicas";

    /// <summary>The pub/sub channel on which replicas announce changes to keys, budgets, settings and the cache.</summary>
    public const string StateChannel = "state";

    /// <summary>Prefix of the response cache's entries (HybridCache's second level).</summary>
    public const string Cache = "cache:";

    /// <summary>
    /// The common part of one key's limit keys, <c>limits:{key:&lt;id&gt;}</c>. The braces are a
    /// Redis Cluster hash tag: every key of one limit script hashes to the same slot, as a script
    /// needs. Append <see cref="RequestLog"/> or <see cref="TokenBucket"/>.
    /// </summary>
    public static string KeyLimits(string keyId) => "limits:{key:" + keyId + "}";

    /// <summary>The common part of one deployment's limit keys, <c>limits:{deployment:&lt;name&gt;}</c> (a hash tag, as above).</summary>
    public static string DeploymentLimits(string name) => "limits:{deployment:" + name + "}";

    /// <summary>Suffix of a sliding request log: a sorted set of admitted calls scored by their time (ms).</summary>
    public const string RequestLog = ":rpm";

    /// <summary>Suffix of a token bucket: a hash of available tokens (<c>a</c>) and last refill (<c>t</c>, ms).</summary>
    public const string TokenBucket = ":tpm";

    /// <summary>Suffix of a deployment's concurrency leases: a sorted set of lease → expiry (ms).</summary>
    public const string Leases = ":conc";

    /// <summary>
    /// The common part of one budget period's keys, <c>budgets:{budgets}:&lt;id&gt;:&lt;period start, µs&gt;</c>.
    /// One hash tag for every budget: a call's key and owner budgets are reserved in one script, which
    /// Redis Cluster allows only within one slot (so budgets live on one shard). Append
    /// <see cref="BudgetCounters"/>, <see cref="BudgetHolds"/> or <see cref="BudgetSettled"/>.
    /// </summary>
    public static string BudgetPeriod(string budgetId, long periodStartUs) => "budgets:{budgets}:" + budgetId + ":" + periodStartUs;

    /// <summary>Suffix of a budget period's counters: a hash of settled spend (<c>s</c>) and holds (<c>r</c>) in pico-dollars, and the alerts sent (<c>a:…</c>).</summary>
    public const string BudgetCounters = ":h";

    /// <summary>Suffix of a budget period's open holds: a sorted set of <c>reservation|amount</c> → expiry (ms).</summary>
    public const string BudgetHolds = ":live";

    /// <summary>Suffix of a budget period's recent settlements: a sorted set of reservation → settle time (ms), so a retried settlement counts once.</summary>
    public const string BudgetSettled = ":done";
}
