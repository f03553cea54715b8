using System.Threading.RateLimiting;

namespace Gatehouse.Routing;

/// <summary>
/// Tokens per minute as a token bucket that can take tokens back. A call reserves its estimated
/// size up front (<see cref="Reserve"/>) and settles with its real usage afterwards
/// (<see cref="TokenReservation.Settle"/>): an overestimate goes back into the bucket, an overrun
/// is taken out (the bucket may go below zero, and later calls wait until the refill has paid it).
/// </summary>
/// <remarks>
/// System.Threading.RateLimiting's <see cref="TokenBucketRateLimiter"/> cannot give permits back and
/// runs on the wall clock, so this is its shape rebuilt on the library's <see cref="RateLimiter"/>
/// and <see cref="RateLimitLease"/> types: the bucket holds at most a minute's tokens and refills
/// continuously at a sixtieth of them per second, computed from an injected <see cref="TimeProvider"/>
/// whenever it is touched (no timer). In memory, per process.
/// </remarks>
internal sealed class TokensPerMinuteLimiter : RateLimiter
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _tokensPerSecond;
    private double _available;
    private long _refilledAt;
    private long _successes;
    private long _failures;

    public TokensPerMinuteLimiter(int tokensPerMinute, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerMinute, 1);
        TokensPerMinute = tokensPerMinute;
        _timeProvider = timeProvider;
        _tokensPerSecond = tokensPerMinute / 60d;
        _available = tokensPerMinute;
        _refilledAt = timeProvider.GetTimestamp();
    }

    public int TokensPerMinute { get; }

    /// <summary>Whole tokens available now (0 while the bucket is paying off an overrun).</summary>
    public long Remaining
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return Math.Max(0, (long)_available);
            }
        }
    }

    public override TimeSpan? IdleDuration => null;

    /// <summary>
    /// Reserves <paramref name="tokens"/>, or refuses with a Retry-After. A call larger than a whole
    /// minute's tokens reserves the whole minute (so it can still go, alone, when the bucket is full).
    /// </summary>
    public TokenReservation Reserve(int tokens) => (TokenReservation)AttemptAcquire(Math.Clamp(tokens, 0, TokensPerMinute));

    public override RateLimiterStatistics GetStatistics() => new()
    {
        CurrentAvailablePermits = Remaining,
        CurrentQueuedCount = 0,
        TotalSuccessfulLeases = Interlocked.Read(ref _successes),
        TotalFailedLeases = Interlocked.Read(ref _failures),
    };

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, TokensPerMinute);

        // Even a call estimated at zero tokens needs one in the bucket: an exhausted key stays exhausted.
        var needed = Math.Max(permitCount, 1);
        lock (_lock)
        {
            Refill();
            if (_available >= needed)
            {
                _available -= permitCount;
                _successes++;
                return new TokenReservation(this, permitCount);
            }

            _failures++;
            return TokenReservation.Refused(TimeSpan.FromSeconds((needed - _available) / _tokensPerSecond));
        }
    }

    // No queueing: a call that does not fit is refused at once (the gateway answers 429 or falls back).
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    /// <summary>Gives back (or takes) the difference between what a call reserved and what it used.</summary>
    internal void Adjust(int reserved, int used)
    {
        lock (_lock)
        {
            Refill();
            _available = Math.Min(TokensPerMinute, _available + reserved - used);
        }
    }

    private void Refill()
    {
        var now = _timeProvider.GetTimestamp();
        var seconds = _timeProvider.GetElapsedTime(_refilledAt, now).TotalSeconds;
        _refilledAt = now;
        _available = Math.Min(TokensPerMinute, _available + (seconds * _tokensPerSecond));
    }
}
