using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// The limiters of keys that have limits: requests per minute as a sliding-window limiter (a minute
/// in six segments) from System.Threading.RateLimiting, tokens per minute as a
/// <see cref="TokensPerMinuteLimiter"/> (a reservation settled with the real usage). In memory, per
/// process: the default <see cref="IKeyRateLimiter"/> (with Redis, a shared one replaces it).
/// </summary>
internal sealed class KeyRateLimiters(TimeProvider timeProvider) : IKeyRateLimiter, IDisposable
{
    private readonly ConcurrentDictionary<(string KeyId, int Limit), SlidingWindowRateLimiter> _limiters = new();
    private readonly ConcurrentDictionary<(string KeyId, int Limit), TokensPerMinuteLimiter> _tokens = new();

    public ValueTask<KeyAdmission> AdmitAsync(string keyId, int? requestsPerMinute, int? tokensPerMinute, int estimatedTokens, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Admit(keyId, requestsPerMinute, tokensPerMinute, estimatedTokens));

    /// <inheritdoc cref="IKeyRateLimiter.AdmitAsync"/>
    public KeyAdmission Admit(string keyId, int? requestsPerMinute, int? tokensPerMinute, int estimatedTokens)
    {
        RateLimitHeaders? requestHeaders = null;
        if (requestsPerMinute is { } requests)
        {
            using var lease = Acquire(keyId, requests);
            requestHeaders = new RateLimitHeaders("requests", requests, Remaining(keyId, requests) ?? 0);
            if (!lease.IsAcquired)
            {
                return new KeyAdmission(KeyLimit.Requests, RetryAfter(lease), requestHeaders, null, null);
            }
        }

        if (tokensPerMinute is not { } tokens)
        {
            return new KeyAdmission(KeyLimit.None, TimeSpan.Zero, requestHeaders, null, null);
        }

        var reservation = ReserveTokens(keyId, tokens, estimatedTokens);
        var tokenHeaders = new RateLimitHeaders("tokens", tokens, RemainingTokens(keyId, tokens) ?? 0);
        return reservation.IsAcquired
            ? new KeyAdmission(KeyLimit.None, TimeSpan.Zero, requestHeaders, tokenHeaders, reservation)
            : new KeyAdmission(KeyLimit.Tokens, RetryAfter(reservation), requestHeaders, tokenHeaders, null);
    }

    private static TimeSpan RetryAfter(RateLimitLease refused) =>
        refused.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : KeyAdmission.DefaultRetryAfter;

    /// <summary>Reserves the call's estimated tokens from the key's bucket; settle the reservation with the real usage.</summary>
    public TokenReservation ReserveTokens(string keyId, int tokensPerMinute, int tokens) =>
        _tokens.GetOrAdd((keyId, tokensPerMinute), static (key, time) => new TokensPerMinuteLimiter(key.Limit, time), timeProvider).Reserve(tokens);

    public long? RemainingTokens(string keyId, int tokensPerMinute) =>
        _tokens.TryGetValue((keyId, tokensPerMinute), out var limiter) ? limiter.Remaining : null;

    public RateLimitLease Acquire(string keyId, int requestsPerMinute) =>
        _limiters.GetOrAdd((keyId, requestsPerMinute), static key => PerMinuteLimiter.Create(key.Limit)).AttemptAcquire();

    public long? Remaining(string keyId, int requestsPerMinute) =>
        _limiters.TryGetValue((keyId, requestsPerMinute), out var limiter) ? limiter.GetStatistics()?.CurrentAvailablePermits : null;

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }

        foreach (var limiter in _tokens.Values)
        {
            limiter.Dispose();
        }
    }
}
