using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// The limiters of keys that have limits: requests per minute as a sliding-window limiter (a minute
/// in six segments) from System.Threading.RateLimiting, tokens per minute as a
/// <see cref="TokensPerMinuteLimiter"/> (a reservation settled with the real usage). In memory, per
/// process: a scale-out deployment needs a shared counter (Redis) instead.
/// </summary>
internal sealed class KeyRateLimiters(TimeProvider timeProvider) : IDisposable
{
    private readonly ConcurrentDictionary<(string KeyId, int Limit), SlidingWindowRateLimiter> _limiters = new();
    private readonly ConcurrentDictionary<(string KeyId, int Limit), TokensPerMinuteLimiter> _tokens = new();

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
