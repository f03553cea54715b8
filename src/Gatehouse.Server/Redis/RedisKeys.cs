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

    /// <summary>Per key / per deployment request windows.</summary>
    public static string Requests(string scope, string name) => $"rpm:{scope}:{name}";

    /// <summary>Per key / per deployment token windows.</summary>
    public static string Tokens(string scope, string name) => $"tpm:{scope}:{name}";

    /// <summary>Per deployment concurrency leases.</summary>
    public static string Leases(string name) => $"conc:{name}";

    /// <summary>A budget's spend counter for one period (the period start is part of the key).</summary>
    public static string BudgetSpend(string budgetId, long periodStartUnixSeconds) => $"budget:{budgetId}:{periodStartUnixSeconds}:spent";

    /// <summary>A budget's open reservations for one period: reservation id → amount, plus expiry scores.</summary>
    public static string BudgetHolds(string budgetId, long periodStartUnixSeconds) => $"budget:{budgetId}:{periodStartUnixSeconds}:holds";
}
