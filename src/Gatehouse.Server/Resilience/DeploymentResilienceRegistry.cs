using System.Collections.Concurrent;
using Gatehouse.Configuration;
using Gatehouse.Routing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Gatehouse.Resilience;

/// <summary>
/// The Polly pipelines of each deployment: retry with exponential backoff and jitter that honours
/// <c>Retry-After</c>, around a circuit breaker that takes a failing deployment out of rotation and
/// lets a probe through after the break. The breaker is one per deployment; the retry around it is
/// one per number of retries, so a key or a call that asks for a different number (see
/// <see cref="RoutingPreferences.MaxRetries"/>) shares the deployment's breaker. Kept across
/// configuration reloads (a reload with the same breaker settings keeps the breaker's state); the
/// outcome of an attempt is its <see cref="AttemptFailure"/>, null when it answered.
/// </summary>
internal sealed class DeploymentResilienceRegistry(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<BreakerKey, (ResiliencePipeline<AttemptFailure?>? Pipeline, CircuitBreakerStateProvider? State)> _breakers = new();
    private readonly ConcurrentDictionary<(BreakerKey Breaker, int Retries, double Delay, double MaxRetryAfter), ResiliencePipeline<AttemptFailure?>> _pipelines = new();

    /// <summary>The deployment's pipeline, with <paramref name="retries"/> instead of its configured retries when given.</summary>
    public ResiliencePipeline<AttemptFailure?> For(Deployment deployment, int? retries = null)
    {
        var count = retries ?? deployment.Resilience.Retries;
        return _pipelines.GetOrAdd(
            (BreakerKey.Of(deployment), count, deployment.Resilience.RetryDelaySeconds, deployment.Resilience.MaxRetryAfterSeconds),
            static (_, state) => state.Registry.Build(state.Deployment, state.Count),
            (Registry: this, Deployment: deployment, Count: count));
    }

    /// <summary>The deployment's breaker state, or null when it has no breaker (or has not been called yet).</summary>
    public CircuitState? BreakerState(Deployment deployment) =>
        _breakers.TryGetValue(BreakerKey.Of(deployment), out var entry) ? entry.State?.CircuitState : null;

    private ResiliencePipeline<AttemptFailure?> Build(Deployment deployment, int retries)
    {
        var options = deployment.Resilience;
        var builder = new ResiliencePipelineBuilder<AttemptFailure?> { TimeProvider = timeProvider };
        var maxRetryAfter = TimeSpan.FromSeconds(options.MaxRetryAfterSeconds);
        if (retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<AttemptFailure?>
            {
                MaxRetryAttempts = retries,
                Delay = TimeSpan.FromSeconds(options.RetryDelaySeconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result is { } failure && failure.Failure.IsRetryable() && (failure.RetryAfter is null || failure.RetryAfter <= maxRetryAfter)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
            });
        }

        if (_breakers.GetOrAdd(BreakerKey.Of(deployment), static (_, state) => state.Registry.BuildBreaker(state.Options), (Registry: this, Options: options)).Pipeline is { } breaker)
        {
            builder.AddPipeline(breaker);
        }

        return builder.Build();
    }

    private (ResiliencePipeline<AttemptFailure?>?, CircuitBreakerStateProvider?) BuildBreaker(ResilienceOptions options)
    {
        if (options.BreakerFailureRatio <= 0)
        {
            return (null, null);
        }

        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<AttemptFailure?> { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<AttemptFailure?>
            {
                StateProvider = state,
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(options.BreakerSamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(options.BreakerBreakSeconds),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } failure && failure.Failure.CountsAgainstDeployment()),
            })
            .Build();
        return (pipeline, state);
    }

    /// <summary>A deployment's breaker settings: a reload that keeps them keeps the breaker (and its state).</summary>
    private readonly record struct BreakerKey(string Name, double Ratio, int MinimumThroughput, double SamplingSeconds, double BreakSeconds)
    {
        public static BreakerKey Of(Deployment deployment)
        {
            var o = deployment.Resilience;
            return new(deployment.Name, o.BreakerFailureRatio, o.BreakerMinimumThroughput, o.BreakerSamplingSeconds, o.BreakerBreakSeconds);
        }
    }
}
