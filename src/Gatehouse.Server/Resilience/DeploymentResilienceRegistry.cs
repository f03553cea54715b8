using System.Collections.Concurrent;
using System.Globalization;
using Gatehouse.Configuration;
using Gatehouse.Routing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Gatehouse.Resilience;

/// <summary>
/// One Polly pipeline per deployment: retry with exponential backoff and jitter that honours
/// <c>Retry-After</c>, around a circuit breaker that takes a failing deployment out of rotation and
/// lets a probe through after the break. Kept across configuration reloads (a reload with the same
/// settings keeps the breaker's state); the outcome of an attempt is its <see cref="AttemptFailure"/>,
/// null when it answered.
/// </summary>
internal sealed class DeploymentResilienceRegistry(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, (ResiliencePipeline<AttemptFailure?> Pipeline, CircuitBreakerStateProvider? Breaker)> _pipelines = new(StringComparer.Ordinal);

    public ResiliencePipeline<AttemptFailure?> For(Deployment deployment) =>
        _pipelines.GetOrAdd(Key(deployment), _ => Build(deployment.Resilience)).Pipeline;

    /// <summary>The deployment's breaker state, or null when it has no breaker (or has not been called yet).</summary>
    public CircuitState? BreakerState(Deployment deployment) =>
        _pipelines.TryGetValue(Key(deployment), out var entry) ? entry.Breaker?.CircuitState : null;

    private (ResiliencePipeline<AttemptFailure?>, CircuitBreakerStateProvider?) Build(ResilienceOptions options)
    {
        var builder = new ResiliencePipelineBuilder<AttemptFailure?> { TimeProvider = timeProvider };
        var maxRetryAfter = TimeSpan.FromSeconds(options.MaxRetryAfterSeconds);
        if (options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<AttemptFailure?>
            {
                MaxRetryAttempts = options.Retries,
                Delay = TimeSpan.FromSeconds(options.RetryDelaySeconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result is { } failure && failure.Failure.IsRetryable() && (failure.RetryAfter is null || failure.RetryAfter <= maxRetryAfter)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
            });
        }

        CircuitBreakerStateProvider? breaker = null;
        if (options.BreakerFailureRatio > 0)
        {
            breaker = new CircuitBreakerStateProvider();
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<AttemptFailure?>
            {
                StateProvider = breaker,
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(options.BreakerSamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(options.BreakerBreakSeconds),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } failure && failure.Failure.CountsAgainstDeployment()),
            });
        }

        return (builder.Build(), breaker);
    }

    private static string Key(Deployment deployment)
    {
        var o = deployment.Resilience;
        return string.Create(CultureInfo.InvariantCulture, $"{deployment.Name}|{o.Retries}|{o.RetryDelaySeconds}|{o.MaxRetryAfterSeconds}|{o.BreakerFailureRatio}|{o.BreakerMinimumThroughput}|{o.BreakerSamplingSeconds}|{o.BreakerBreakSeconds}");
    }
}
