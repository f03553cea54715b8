using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// One sliding-window limiter (a minute in six segments) per key that has a requests-per-minute
/// limit, from System.Threading.RateLimiting. In memory, per process: a scale-out deployment needs
/// a shared counter (Redis) instead.
/// </summary>
internal sealed class KeyRateLimiters : IDisposable
{
    private readonly ConcurrentDictionary<(string KeyId, int Limit), SlidingWindowRateLimiter> _limiters = new();
    private readonly ConcurrentDictionary<(string KeyId, int Limit), TokenBucketRateLimiter> _tokens = new();

    /// <summary>
    /// Takes <paramref name="tokens"/> from the key's token bucket (refilled evenly over the minute).
    /// Used for the estimate up front and again for any overrun at settlement; an estimate that was
    /// too high is not given back, which errs on the side of the limit.
    /// </summary>
    public RateLimitLease AcquireTokens(string keyId, int tokensPerMinute, int tokens) =>
        _tokens.GetOrAdd((keyId, tokensPerMinute), static key => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = key.Limit,
            TokensPerPeriod = Math.Max(1, key.Limit / 60),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        })).AttemptAcquire(Math.Clamp(tokens, 0, tokensPerMinute));

    public long? RemainingTokens(string keyId, int tokensPerMinute) =>
        _tokens.TryGetValue((keyId, tokensPerMinute), out var limiter) ? limiter.GetStatistics()?.CurrentAvailablePermits : null;

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
