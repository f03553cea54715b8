using System.Threading.RateLimiting;

namespace Gatehouse.Routing;

/// <summary>
/// Tokens a call holds in a <see cref="TokensPerMinuteLimiter"/> until it knows its real usage, or a
/// refusal carrying <see cref="MetadataName.RetryAfter"/>. Settle it once with the tokens the call
/// used; disposing without settling keeps the whole reservation spent (the safe side when the
/// usage is unknown).
/// </summary>
internal sealed class TokenReservation : RateLimitLease, ITokenSettlement
{
    private static readonly string[] s_retryAfterName = [MetadataName.RetryAfter.Name];

    private readonly TokensPerMinuteLimiter? _limiter;
    private readonly TimeSpan _retryAfter;
    private int _settled;

    internal TokenReservation(TokensPerMinuteLimiter limiter, int tokens)
    {
        _limiter = limiter;
        Tokens = tokens;
    }

    private TokenReservation(TimeSpan retryAfter) => _retryAfter = retryAfter;

    public override bool IsAcquired => _limiter is not null;

    /// <summary>Tokens reserved up front.</summary>
    public int Tokens { get; }

    public override IEnumerable<string> MetadataNames => IsAcquired ? [] : s_retryAfterName;

    public static TokenReservation Refused(TimeSpan retryAfter) => new(retryAfter);

    /// <summary>Charges what the call really used: an overestimate is given back, an overrun taken. Only the first call counts.</summary>
    public void Settle(int usedTokens)
    {
        if (_limiter is not null && Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _limiter.Adjust(Tokens, Math.Max(0, usedTokens));
        }
    }

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (!IsAcquired && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = _retryAfter;
            return true;
        }

        metadata = null;
        return false;
    }
}
