using Gatehouse.Providers;
using Gatehouse.Routing;

namespace Gatehouse.Resilience;

/// <summary>
/// Why one attempt on one deployment failed, held back while another try is possible (nothing has
/// reached the client). <see cref="PassOn"/> keeps the upstream's own answer when it can be given
/// to the client unchanged if no other try succeeds (a 429 in the client's dialect, say).
/// <see cref="RateLimit"/> is the deployment's own per-minute cap that refused the call, for the
/// <c>x-ratelimit-*</c> headers when it is the client's answer.
/// </summary>
internal sealed record AttemptFailure(UpstreamFailure Failure, string Message, TimeSpan? RetryAfter = null, PassOnResponse? PassOn = null, RateLimitHeaders? RateLimit = null);

/// <summary>An upstream error response kept byte for byte.</summary>
internal sealed record PassOnResponse(int StatusCode, byte[] Body, string? ContentType);
