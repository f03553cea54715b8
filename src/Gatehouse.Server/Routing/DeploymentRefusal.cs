namespace Gatehouse.Routing;

/// <summary>Which of a deployment's own caps kept a call from it, and when it may have room again.</summary>
/// <param name="Cap">As the error message names it: <c>concurrency limit</c>, <c>token limit</c>, <c>request limit</c>.</param>
/// <param name="RetryAfter">Null for the concurrency cap: a slot frees when a call ends, which nobody can predict.</param>
/// <param name="RateLimit">The per-minute limit that refused, for the <c>x-ratelimit-*</c> headers; null for the concurrency cap.</param>
internal sealed record DeploymentRefusal(string Cap, TimeSpan? RetryAfter, RateLimitHeaders? RateLimit);
