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

    /// <summary>A budget's spend counter for one period (the period start is part of the key).</summary>
    public static string BudgetSpend(string budgetId, long periodStartUnixSeconds) => $"budget:{budgetId}:{periodStartUnixSeconds}:spent";

    /// <summary>A budget's open reservations for one period: reservation id → amount, plus expiry scores.</summary>
    public static string BudgetHolds(string budgetId, long periodStartUnixSeconds) => $"budget:{budgetId}:{periodStartUnixSeconds}:holds";
}
