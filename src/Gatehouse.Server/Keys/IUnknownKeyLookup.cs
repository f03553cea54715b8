namespace Gatehouse.Keys;

/// <summary>
/// What a replica does with a well-formed key its registry does not know. Another replica may have
/// created it a moment ago, before its notice arrived here; the store can say. The embedded default
/// (<see cref="NoUnknownKeyLookup"/>) never looks: there the registry holds every key there is.
/// </summary>
internal interface IUnknownKeyLookup
{
    /// <summary>False when <see cref="TryLearnAsync"/> can never find anything, so callers skip copying and hashing the secret.</summary>
    bool CanLearn { get; }

    /// <summary>
    /// Looks the hash up in the store and, when a key has it, adds that key to the registry.
    /// True when the registry now has it (the caller checks again, so a revoked key is refused as such).
    /// </summary>
    Task<bool> TryLearnAsync(string keyHash, CancellationToken cancellationToken);
}

/// <summary>One process owns every key: a key the registry does not know does not exist.</summary>
internal sealed class NoUnknownKeyLookup : IUnknownKeyLookup
{
    public static readonly NoUnknownKeyLookup Instance = new();

    public bool CanLearn => false;

    public Task<bool> TryLearnAsync(string keyHash, CancellationToken cancellationToken) => Task.FromResult(false);
}
