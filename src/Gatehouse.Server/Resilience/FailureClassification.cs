using Gatehouse.Providers;

namespace Gatehouse.Resilience;

/// <summary>
/// What each failure class allows. Request errors (4xx about the request) never get here: they are
/// answered at once and never retried or sent elsewhere.
/// </summary>
internal static class FailureClassification
{
    /// <summary>Worth another try on the same deployment after a backoff.</summary>
    public static bool IsRetryable(this UpstreamFailure failure) => failure switch
    {
        UpstreamFailure.Timeout or UpstreamFailure.ConnectionFailed or UpstreamFailure.RateLimited
            or UpstreamFailure.ServerError or UpstreamFailure.Overloaded or UpstreamFailure.MalformedResponse
            or UpstreamFailure.StreamStalled or UpstreamFailure.StreamInterrupted or UpstreamFailure.StreamError => true,
        _ => false,
    };

    /// <summary>Says something about the deployment's health, so it counts toward its circuit breaker.</summary>
    public static bool CountsAgainstDeployment(this UpstreamFailure failure) =>
        failure != UpstreamFailure.CircuitOpen;
}
