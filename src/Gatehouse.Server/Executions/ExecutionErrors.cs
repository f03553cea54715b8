namespace Gatehouse.Executions;

/// <summary>
/// The closed set of reasons an execution did not complete, derived from the pipeline's answer
/// (its status and the record's error class) so callers can decide what to do without knowing
/// every gateway error code. The gateway's own class stays on each attempt.
/// </summary>
internal static class ExecutionErrors
{
    /// <summary>A key, deployment or upstream rate limit (429). Retryable after a while.</summary>
    public const string RateLimit = "rate_limit";

    /// <summary>A budget of the key or its owner cannot cover the call.</summary>
    public const string BudgetExceeded = "budget_exceeded";

    /// <summary>The upstream did not answer (or finish its stream) in time. Retryable.</summary>
    public const string Timeout = "timeout";

    /// <summary>The upstream failed: 5xx, unreachable, overloaded, a broken stream, an open circuit, Gatehouse's degraded service. Retryable.</summary>
    public const string UpstreamError = "upstream_error";

    /// <summary>The request was refused as it is (unknown model, a model the key may not use, too long a prompt, a content policy…). Not retryable unchanged.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>The key is no longer valid (revoked or expired since the execution started).</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The output broke its contract after every repair attempt (status <c>validation_failed</c>).</summary>
    public const string Validation = "validation";

    /// <summary>The caller went away before the execution finished.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>A Gatehouse bug.</summary>
    public const string Internal = "internal_error";

    public static string Classify(int statusCode, string? gatewayErrorClass) => gatewayErrorClass switch
    {
        "budget_exceeded" => BudgetExceeded,
        "rate_limit_exceeded" or "upstream_rate_limited" or "deployment_rate_limited" => RateLimit,
        "upstream_timeout" or "upstream_stream_stalled" => Timeout,
        "client_closed_request" => Cancelled,
        "internal_error" => Internal,
        "invalid_api_key" or "missing_api_key" => Unauthorized,
        "upstream_error" or "upstream_unreachable" or "upstream_overloaded" or "upstream_auth_failed" or "upstream_malformed_response"
            or "upstream_stream_interrupted" or "upstream_stream_error" or "circuit_open" or "service_degraded" => UpstreamError,
        _ => statusCode switch
        {
            StatusCodes.Status429TooManyRequests => RateLimit,
            StatusCodes.Status401Unauthorized => Unauthorized,
            StatusCodes.Status504GatewayTimeout or StatusCodes.Status408RequestTimeout => Timeout,
            >= 500 => UpstreamError,
            >= 400 => InvalidRequest,
            _ => UpstreamError, // a 2xx that still failed: a stream cut after it started
        },
    };

    public static bool IsRetryable(string? errorClass) => errorClass is RateLimit or Timeout or UpstreamError;
}
