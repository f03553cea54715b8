using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// A key's own limits, requests and tokens per minute, checked together (one Redis round trip when
/// they are shared). The in-process <see cref="KeyRateLimiters"/> is the default; with Redis every
/// replica shares them (<see cref="Redis.RedisKeyRateLimiter"/>). Seam 4 of issue 13.
/// </summary>
internal interface IKeyRateLimiter
{
    /// <summary>
    /// Takes a request permit (when <paramref name="requestsPerMinute"/> is set), then reserves
    /// <paramref name="estimatedTokens"/> (when <paramref name="tokensPerMinute"/> is set). A call
    /// refused by the token limit has spent its request permit, as a sliding window cannot give one back.
    /// </summary>
    ValueTask<KeyAdmission> AdmitAsync(string keyId, int? requestsPerMinute, int? tokensPerMinute, int estimatedTokens, CancellationToken cancellationToken);
}

/// <summary>Which key limit refused a call, if any.</summary>
internal enum KeyLimit
{
    None,
    Requests,
    Tokens,
}

/// <summary>
/// The answer of <see cref="IKeyRateLimiter.AdmitAsync"/>: the limits as headers (null for a limit
/// the key does not have, or that was not reached because an earlier one refused), the limit that
/// refused with its wait, and the token hold to settle when admitted.
/// </summary>
internal sealed record KeyAdmission(KeyLimit Refused, TimeSpan RetryAfter, RateLimitHeaders? Requests, RateLimitHeaders? Tokens, ITokenSettlement? TokenHold)
{
    /// <summary>When a limiter reports no wait (it always should): ten seconds, as before.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(10);
}
