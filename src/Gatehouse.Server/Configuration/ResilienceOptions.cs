namespace Gatehouse.Configuration;

/// <summary>Retries and the circuit breaker of one deployment (<c>Gatehouse:Deployments:&lt;name&gt;:Resilience</c>).</summary>
public sealed class ResilienceOptions
{
    /// <summary>Extra tries on the same deployment after a retryable failure (network, timeout, 429, 5xx, overloaded), before falling back. 0 = fall back at once.</summary>
    public int Retries { get; set; }

    /// <summary>First backoff delay; doubled per retry, with jitter. A <c>Retry-After</c> from the upstream wins.</summary>
    public double RetryDelaySeconds { get; set; } = 0.5;

    /// <summary>A <c>Retry-After</c> longer than this is not waited for: the call falls back instead.</summary>
    public double MaxRetryAfterSeconds { get; set; } = 30;

    /// <summary>Share of failed calls (0..1) within the sampling window that opens the breaker; 0 turns it off.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the window before the breaker may open.</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    public double BreakerSamplingSeconds { get; set; } = 30;

    /// <summary>How long an open breaker keeps the deployment out of rotation before one probe call is let through.</summary>
    public double BreakerBreakSeconds { get; set; } = 15;
}
