using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Gatehouse.Routing;

/// <summary>
/// Per-deployment caps Gatehouse applies itself: calls in flight (ConcurrencyLimiter), tokens per
/// minute (<see cref="TokensPerMinuteLimiter"/>, reserved then settled) and calls per minute
/// (sliding window). A call that cannot get all three is not sent. They are taken in that order
/// because the first two can be given back and the last cannot: a call refused by one cap never
/// spends another. In memory, per process: the default <see cref="IDeploymentLimiter"/>.
/// </summary>
internal sealed class DeploymentLimiters(TimeProvider timeProvider) : IDeploymentLimiter, IDisposable
{
    private readonly ConcurrentDictionary<(string Name, int Limit), SlidingWindowRateLimiter> _rates = new();
    private readonly ConcurrentDictionary<(string Name, int Limit), ConcurrencyLimiter> _concurrency = new();
    private readonly ConcurrentDictionary<(string Name, int Limit), TokensPerMinuteLimiter> _tokens = new();

    public ValueTask<DeploymentEntry> TryEnterAsync(Deployment deployment, int estimatedTokens, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryEnter(deployment, estimatedTokens, out var refusal) is { } lease ? new DeploymentEntry(lease, null) : DeploymentEntry.Refused(refusal!));

    /// <summary>
    /// The leases for one attempt (settle and dispose when it ends), or null and why. <paramref name="estimatedTokens"/>
    /// matters only when the deployment has a token limit.
    /// </summary>
    public DeploymentLease? TryEnter(Deployment deployment, int estimatedTokens, out DeploymentRefusal? refusal) =>
        TryEnter(DeploymentCaps.Of(deployment), estimatedTokens, out refusal);

    /// <summary>As above, for caps given directly (a replica's share of them while Redis is unreachable).</summary>
    public DeploymentLease? TryEnter(DeploymentCaps deployment, int estimatedTokens, out DeploymentRefusal? refusal)
    {
        refusal = null;
        if (deployment is { MaxConcurrency: 0, TokensPerMinute: 0, RequestsPerMinute: 0 })
        {
            return DeploymentLease.Unlimited;
        }

        RateLimitLease? concurrency = null;
        if (deployment.MaxConcurrency > 0)
        {
            concurrency = _concurrency.GetOrAdd((deployment.Name, deployment.MaxConcurrency), static key =>
                new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = key.Limit, QueueLimit = 0 })).AttemptAcquire();
            if (!concurrency.IsAcquired)
            {
                concurrency.Dispose();
                refusal = new DeploymentRefusal("concurrency limit", null, null);
                return null;
            }
        }

        TokenReservation? tokens = null;
        if (deployment.TokensPerMinute > 0)
        {
            var limiter = _tokens.GetOrAdd((deployment.Name, deployment.TokensPerMinute), static (key, time) => new TokensPerMinuteLimiter(key.Limit, time), timeProvider);
            tokens = limiter.Reserve(estimatedTokens);
            if (!tokens.IsAcquired)
            {
                concurrency?.Dispose();
                var after = RetryAfter(tokens);
                refusal = new DeploymentRefusal("token limit", after, new RateLimitHeaders("tokens", deployment.TokensPerMinute, limiter.Remaining, after));
                return null;
            }
        }

        if (deployment.RequestsPerMinute > 0)
        {
            using var rate = _rates.GetOrAdd((deployment.Name, deployment.RequestsPerMinute), static key => PerMinuteLimiter.Create(key.Limit)).AttemptAcquire();
            if (!rate.IsAcquired)
            {
                tokens?.Settle(0); // not sent: the reservation goes back
                concurrency?.Dispose();
                var after = RetryAfter(rate);
                refusal = new DeploymentRefusal("request limit", after, new RateLimitHeaders("requests", deployment.RequestsPerMinute, 0, after));
                return null;
            }

            // A window permit is spent once taken; nothing to hold.
        }

        return new DeploymentLease(concurrency, tokens);
    }

    private static TimeSpan RetryAfter(RateLimitLease refused) =>
        refused.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);

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

        foreach (var limiter in _tokens.Values)
        {
            limiter.Dispose();
        }
    }
}
