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
    }
}
