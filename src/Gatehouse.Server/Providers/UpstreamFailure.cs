namespace Gatehouse.Providers;

/// <summary>
/// Why an upstream call failed, as a closed set. Each value maps to one status code and one error
/// class in records, so callers and dashboards can rely on them.
/// </summary>
internal enum UpstreamFailure
{
    /// <summary>The upstream did not answer within the deployment's timeout (504).</summary>
    Timeout,

    /// <summary>The connection could not be made or broke (502).</summary>
    ConnectionFailed,

    /// <summary>The upstream said 429 (passed on as 429 with its Retry-After).</summary>
    RateLimited,

    /// <summary>The upstream answered 5xx (502).</summary>
    ServerError,

    /// <summary>The upstream said it is overloaded or unavailable (503; Anthropic's 529 arrives as this).</summary>
    Overloaded,

    /// <summary>The upstream rejected Gatehouse's own credentials (502: the client's key is fine).</summary>
    AuthenticationFailed,

    /// <summary>The upstream answered 2xx with a body Gatehouse could not read (502).</summary>
    MalformedResponse,

    /// <summary>The stream ended or broke before it was complete, after the client had received part of it.</summary>
    StreamInterrupted,

    /// <summary>The stream sent nothing for longer than the deployment's idle timeout.</summary>
    StreamStalled,

    /// <summary>The upstream reported an error inside the stream (an error event).</summary>
    StreamError,

    /// <summary>The prompt is longer than the model's context window (a 400 about the request, with its own fallback chain).</summary>
    ContextLengthExceeded,

    /// <summary>The provider's content policy refused the request (a 400 with its own fallback chain).</summary>
    ContentPolicy,

    /// <summary>The deployment is at its own configured request rate or concurrency limit; it was not called (429).</summary>
    DeploymentBusy,

    /// <summary>The deployment's circuit breaker is open after repeated failures; it was not called (503).</summary>
    CircuitOpen,
}

internal static class UpstreamFailureExtensions
{
    public static int StatusCode(this UpstreamFailure failure) => failure switch
    {
        UpstreamFailure.Timeout or UpstreamFailure.StreamStalled => StatusCodes.Status504GatewayTimeout,
        UpstreamFailure.RateLimited or UpstreamFailure.DeploymentBusy => StatusCodes.Status429TooManyRequests,
        UpstreamFailure.Overloaded or UpstreamFailure.CircuitOpen => StatusCodes.Status503ServiceUnavailable,
        UpstreamFailure.ContextLengthExceeded or UpstreamFailure.ContentPolicy => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status502BadGateway,
    };

    public static string ErrorClass(this UpstreamFailure failure) => failure switch
    {
        UpstreamFailure.Timeout => "upstream_timeout",
        UpstreamFailure.ConnectionFailed => "upstream_unreachable",
        UpstreamFailure.RateLimited => "upstream_rate_limited",
        UpstreamFailure.ServerError => "upstream_error",
        UpstreamFailure.Overloaded => "upstream_overloaded",
        UpstreamFailure.AuthenticationFailed => "upstream_auth_failed",
        UpstreamFailure.MalformedResponse => "upstream_malformed_response",
        UpstreamFailure.StreamInterrupted => "upstream_stream_interrupted",
        UpstreamFailure.StreamStalled => "upstream_stream_stalled",
        UpstreamFailure.StreamError => "upstream_stream_error",
        UpstreamFailure.CircuitOpen => "circuit_open",
        UpstreamFailure.DeploymentBusy => "deployment_rate_limited",
        UpstreamFailure.ContextLengthExceeded => "context_length_exceeded",
        UpstreamFailure.ContentPolicy => "content_policy",
        _ => "upstream_error",
    };
}
