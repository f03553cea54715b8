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
        failure is not (UpstreamFailure.CircuitOpen or UpstreamFailure.DeploymentBusy or UpstreamFailure.ContextLengthExceeded or UpstreamFailure.ContentPolicy);

    /// <summary>Refusals about this request's content or size: not retried, and not passed down the ordinary chain, only to the alias's dedicated fallbacks.</summary>
    public static bool HasDedicatedChain(this UpstreamFailure failure) =>
        failure is UpstreamFailure.ContextLengthExceeded or UpstreamFailure.ContentPolicy;

    /// <summary>
    /// Recognises the two 400s that have their own fallback chains, from the error code the
    /// providers use (OpenAI, Azure, Anthropic via translation) and, failing that, their wording.
    /// </summary>
    public static UpstreamFailure? ClassifyRefusal(int status, string? code, string? message)
    {
        if (status is not (400 or 413 or 422))
        {
            return null;
        }

        if (code is "context_length_exceeded" or "string_above_max_length"
            || Mentions(message, "maximum context length") || Mentions(message, "context window") || Mentions(message, "prompt is too long"))
        {
            return UpstreamFailure.ContextLengthExceeded;
        }

        if (code is "content_filter" or "content_policy_violation" or "content_policy"
            || Mentions(message, "content management policy") || Mentions(message, "content policy"))
        {
            return UpstreamFailure.ContentPolicy;
        }

        return null;
    }

    private static bool Mentions(string? message, string phrase) =>
        message is not null && message.Contains(phrase, StringComparison.OrdinalIgnoreCase);
}
