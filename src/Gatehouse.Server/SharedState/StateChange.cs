namespace Gatehouse.SharedState;

/// <summary>What changed, as replicas tell each other.</summary>
internal enum StateChangeKind
{
    /// <summary>A virtual key was created, revoked or had its settings changed; <see cref="StateChange.Id"/> is the key's id.</summary>
    Key,

    /// <summary>A budget was created, changed (name, limit, thresholds) or deleted; the id is the budget's.</summary>
    Budget,

    /// <summary>A runtime setting (the settings store) changed; the id is the setting's name.</summary>
    Setting,

    /// <summary>Stored answers were purged; the id is the namespace, or <c>*</c> for all of them.</summary>
    CachePurge,

    /// <summary>
    /// Anything may have changed (raised locally after the bus reconnects, since messages sent
    /// while it was down are lost): reload everything from the store.
    /// </summary>
    Everything,
}

/// <summary>
/// A notice that something changed, never the new value: the receiver reloads the item from the
/// store, so a forged or stale message can at worst cause a reload, never admit a revoked key.
/// </summary>
internal readonly record struct StateChange(StateChangeKind Kind, string Id)
{
    public const string AllCacheNamespaces = "*";

    public static StateChange Key(string id) => new(StateChangeKind.Key, id);

    public static StateChange Budget(string id) => new(StateChangeKind.Budget, id);

    public static StateChange Setting(string name) => new(StateChangeKind.Setting, name);

    public static StateChange CachePurge(string? space) => new(StateChangeKind.CachePurge, space ?? AllCacheNamespaces);

    public static readonly StateChange Everything = new(StateChangeKind.Everything, "");
}
