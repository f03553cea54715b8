namespace Gatehouse.Keys;

/// <summary>The outcome of checking a presented key, and the caller when it is valid.</summary>
internal readonly record struct KeyAuthentication(KeyCheck Check, CallerIdentity? Caller)
{
    public bool IsValid => Check == KeyCheck.Valid;
}

/// <summary>
/// Checks the key a request presents: against the registry in memory, and, only when the registry
/// does not know a well-formed key, once more after asking <see cref="IUnknownKeyLookup"/> (another
/// replica may have just created it). A known key never waits: the answer is then already complete.
/// </summary>
internal sealed class KeyAuthenticator(IKeyRegistry registry, IUnknownKeyLookup unknownKeys)
{
    /// <summary>Longer than any secret Gatehouse issues; a longer one is not looked up.</summary>
    private const int MaxLookupLength = 128;

    public ValueTask<KeyAuthentication> CheckAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!PresentedKey.TryRead(request, out var secret))
        {
            return ValueTask.FromResult(new KeyAuthentication(KeyCheck.Malformed, null));
        }

        var check = registry.Check(secret, out var caller);
        if (check != KeyCheck.Unknown
            || !unknownKeys.CanLearn
            || secret.Length > MaxLookupLength
            || !secret.StartsWith(ApiKeyGenerator.SecretPrefix, StringComparison.Ordinal))
        {
            return ValueTask.FromResult(new KeyAuthentication(check, caller));
        }

        return LearnAsync(secret.ToString(), cancellationToken);
    }

    private async ValueTask<KeyAuthentication> LearnAsync(string secret, CancellationToken cancellationToken)
    {
        if (!await unknownKeys.TryLearnAsync(KeyHasher.Hash(secret), cancellationToken))
        {
            return new KeyAuthentication(KeyCheck.Unknown, null);
        }

        var check = registry.Check(secret, out var caller);
        return new KeyAuthentication(check, caller);
    }
}
