using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Gatehouse.Routing;

/// <summary>
/// Per-deployment caps Gatehouse applies itself, from System.Threading.RateLimiting: calls per
/// minute (sliding window) and calls in flight. A call that cannot get both leases is not sent.
/// In memory, per process.
/// </summary>
internal sealed class DeploymentLimiters : IDisposable
{
    private readonly ConcurrentDictionary<(string Name, int Limit), SlidingWindowRateLimiter> _rates = new();
    private readonly ConcurrentDictionary<(string Name, int Limit), ConcurrencyLimiter> _concurrency = new();

    /// <summary>The leases for one attempt (dispose when it ends), or null with a hint of when to try again.</summary>
    public IDisposable? TryEnter(Deployment deployment, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        RateLimitLease? concurrency = null;
        if (deployment.MaxConcurrency > 0)
        {
            concurrency = _concurrency.GetOrAdd((deployment.Name, deployment.MaxConcurrency), static key =>
                new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = key.Limit, QueueLimit = 0 })).AttemptAcquire();
            if (!concurrency.IsAcquired)
            {
                concurrency.Dispose();
                return null;
            }
        }

        if (deployment.RequestsPerMinute > 0)
        {
            var rate = _rates.GetOrAdd((deployment.Name, deployment.RequestsPerMinute), static key => PerMinuteLimiter.Create(key.Limit)).AttemptAcquire();
            if (!rate.IsAcquired)
            {
                retryAfter = rate.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);
                rate.Dispose();
                concurrency?.Dispose();
                return null;
            }

            rate.Dispose(); // a window permit is spent once taken; nothing to hold
        }

        return (IDisposable?)concurrency ?? NoLease.Instance;
    }

    public void Dispose()
    {
        foreach (var limiter in _rates.Values)
        {
            limiter.Dispose();
        }

        foreach (var limiter in _concurrency.Values)
        {
            limiter.Dispose();
        }
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
