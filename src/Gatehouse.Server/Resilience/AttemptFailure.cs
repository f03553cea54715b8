using Gatehouse.Providers;

namespace Gatehouse.Resilience;

/// <summary>
/// Why one attempt on one deployment failed, held back while another try is possible (nothing has
/// reached the client). <see cref="PassOn"/> keeps the upstream's own answer when it can be given
/// to the client unchanged if no other try succeeds (a 429 in the client's dialect, say).
/// </summary>
internal sealed record AttemptFailure(UpstreamFailure Failure, string Message, TimeSpan? RetryAfter = null, PassOnResponse? PassOn = null);

/// <summary>An upstream error response kept byte for byte.</summary>
internal sealed record PassOnResponse(int StatusCode, byte[] Body, string? ContentType);
