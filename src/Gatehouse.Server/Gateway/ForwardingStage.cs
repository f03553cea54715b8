using System.Globalization;
using Gatehouse.Configuration;
using Gatehouse.Degradation;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Resilience;
using Gatehouse.Routing;
using Microsoft.Extensions.Options;

namespace Gatehouse.Gateway;

/// <summary>
/// Sends the call to the route's deployments in priority order and relays the first answer: whole
/// for plain calls, event by event for streams. A deployment that fails before anything reached
/// the client (unreachable, timeout, 429, 5xx, bad credentials, a stream that breaks before its
/// first event) hands over to the next; a 4xx about the request is answered at once, and a stream
/// that already started is never retried. The last deployment's failure is the client's error.
/// An Anthropic-dialect call to a provider that speaks Anthropic natively skips translation: the
/// client's own body goes up (model renamed) and the answer comes back as Anthropic sent it.
/// The strategy, fallback and retries follow the call's <c>x-gatehouse-*</c> headers, else the
/// key's routing preferences, else the model alias's configuration.
/// </summary>
internal sealed class ForwardingStage(
    ResponseRelay relay,
    StreamRelay streamRelay,
    RouteSelector selector,
    DeploymentStatsRegistry stats,
    DeploymentResilienceRegistry resilience,
    IDeploymentLimiter limiters,
    UsageMeter meter,
    DegradationState degradation,
    IOptionsMonitor<GatehouseOptions> options,
    SecretScrubber scrubber,
    TimeProvider timeProvider)
    : IGatewayStage
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        if (!RequestOverrides.TryRead(context.Http.Request.Headers, options.CurrentValue.MaxRequestedRetries, out var overrides, out var invalid))
        {
            await context.RejectAsync(invalid!);
            await next(context);
            return;
        }

        var routing = context.Routing = overrides.Over(context.Call.Caller?.Key?.Routing);
        if (context.Call.Degradation >= DegradationLevel.Degraded)
        {
            // Below full service, retries are optional work: a failing deployment hands over at once.
            routing = context.Routing = routing with { MaxRetries = 0 };
        }

        var candidates = context.Call.Degradation >= DegradationLevel.Basic
            ? [CheapestHealthy(context.Call.Route!)]
            : selector.Order(context.Call.Route!, routing.Strategy);
        if (routing.Fallback == false && candidates.Count > 1)
        {
            candidates = [candidates[0]];
        }

        // At "basic" the one cheapest healthy deployment is all there is: no dedicated chains either.
        context.UsingDedicatedChain |= context.Call.Degradation >= DegradationLevel.Basic;

        var last = await TryInOrderAsync(context, candidates);
        if (last is { Failure: var refusal } && refusal.HasDedicatedChain())
        {
            // Refused for its size or content: only the alias's dedicated chain may try again.
            context.UsingDedicatedChain = true;
            var chain = refusal == UpstreamFailure.ContextLengthExceeded ? context.Call.Route!.ContextWindowFallbacks! : context.Call.Route!.ContentPolicyFallbacks!;
            var refused = last;
            last = await TryInOrderAsync(context, chain);
            if (last is not null)
            {
                // The chain could not serve it either: the client learns why the request was refused.
                last = refused;
            }
        }

        // Every try failed before anything reached the client: answer with the last failure.
        if (last is not null)
        {
            await context.AnswerWithAsync(last);
        }

        await next(context);
    }

    /// <summary>The route's cheapest deployment still in rotation (the cheapest of all when none is).</summary>
    private Deployment CheapestHealthy(ModelRoute route)
    {
        var byPrice = selector.Order(route, RoutingStrategy.Cheapest);
        return byPrice.FirstOrDefault(d => !degradation.IsOutOfRotation(d)) ?? byPrice[0];
    }

    /// <summary>
    /// Tries deployments in order until one answers; a refusal with a dedicated chain stops the walk
    /// at once. When the last one was at its own cap, the client hears of the cap that frees up
    /// soonest, so its Retry-After is the earliest moment some deployment can take the call.
    /// </summary>
    private async Task<AttemptFailure?> TryInOrderAsync(GatewayContext context, IReadOnlyList<Deployment> deployments)
    {
        AttemptFailure? last = null;
        AttemptFailure? soonestBusy = null;
        foreach (var deployment in deployments)
        {
            last = await TryDeploymentAsync(context, deployment);
            if (last is null || last.Failure.HasDedicatedChain())
            {
                break;
            }

            if (last is { Failure: UpstreamFailure.DeploymentBusy, RetryAfter: { } wait } && !(soonestBusy?.RetryAfter <= wait))
            {
                soonestBusy = last;
            }
        }

        return last is { Failure: UpstreamFailure.DeploymentBusy } && soonestBusy is not null ? soonestBusy : last;
    }

    /// <summary>
    /// Tries one deployment through its resilience pipeline (retries, circuit breaker); returns the
    /// failure that ends its turn, or null when it answered. Each attempt's result is the value the
    /// pipeline's retry and breaker judge (<see cref="DeploymentResilienceRegistry"/>).
    /// </summary>
    private async Task<AttemptFailure?> TryDeploymentAsync(GatewayContext context, Deployment deployment)
    {
        try
        {
            return await resilience.For(deployment, context.Routing.MaxRetries).ExecuteAsync(
                static async (state, _) =>
                {
                    var (stage, context, deployment) = state;
                    StartAttempt(context, deployment);
                    var failed = await stage.MeasuredAttemptAsync(context, deployment);
                    if (failed is not null)
                    {
                        (context.Outcome.FailedAttempts ??= []).Add($"{deployment.Name}:{failed.Failure.ErrorClass()}");
                    }

                    return failed;
                },
                (this, context, deployment),
                context.Aborted);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException)
        {
            StartAttempt(context, deployment);
            var open = new AttemptFailure(UpstreamFailure.CircuitOpen, $"The deployment '{deployment.Name}' is out of rotation after repeated failures (circuit open).");
            (context.Outcome.FailedAttempts ??= []).Add($"{deployment.Name}:{open.Failure.ErrorClass()}");
            return open;
        }
    }

    /// <summary>
    /// Points the call (and its headers) at this deployment. A failed attempt writes no headers of
    /// its own (upstream headers are copied only when an answer is written), so nothing needs undoing.
    /// </summary>
    private static void StartAttempt(GatewayContext context, Deployment deployment)
    {
        var headers = context.Http.Response.Headers;
        if (context.Outcome.FailedAttempts is { Count: > 0 } failed)
        {
            headers[GatehouseHeaders.Attempts] = (failed.Count + 1).ToString(CultureInfo.InvariantCulture);
            headers[GatehouseHeaders.FailedAttempts] = string.Join(", ", failed);
        }

        context.Outcome.Deployment = deployment;
        context.Outcome.Usage = default;
        context.Outcome.CostUsd = 0m;
        headers[GatehouseHeaders.Deployment] = deployment.Name;
        headers[GatehouseHeaders.Provider] = deployment.Provider.Name;
    }

    /// <summary>
    /// One attempt within the deployment's own caps, counted in its in-flight number and, when it
    /// succeeds, its latency average. Its token reservation is settled with the attempt's usage.
    /// Returns the attempt's failure (a cap that refused it included), null when it answered.
    /// </summary>
    private async Task<AttemptFailure?> MeasuredAttemptAsync(GatewayContext context, Deployment deployment)
    {
        var estimatedTokens = deployment.TokensPerMinute > 0 ? meter.EstimateCallTokens(context) : 0;
        var (lease, refusal) = await limiters.TryEnterAsync(deployment, estimatedTokens, context.Aborted);
        using var held = lease;
        if (lease is null)
        {
            return new AttemptFailure(
                UpstreamFailure.DeploymentBusy, $"The deployment '{deployment.Name}' is at its configured {refusal!.Cap}.", refusal.RetryAfter, RateLimit: refusal.RateLimit);
        }

        var deploymentStats = stats.For(deployment);
        var started = timeProvider.GetTimestamp();
        var succeeded = false;
        deploymentStats.Enter();
        try
        {
            var failed = await AttemptAsync(context, deployment);
            succeeded = failed is null && context.Outcome.ErrorClass is null;
            return failed;
        }
        finally
        {
            lease.Settle(context.Outcome.Usage.TotalTokens);
            deploymentStats.Exit(timeProvider.GetElapsedTime(started).TotalMilliseconds, succeeded);
        }
    }

    /// <summary>Sends the call to the deployment and relays its answer; returns the failure another try may still recover from, null when the client was answered.</summary>
    private async Task<AttemptFailure?> AttemptAsync(GatewayContext context, Deployment deployment)
    {
        context.NativeUpstream = context.Call.ClientBody is not null && context.Call.Dialect.Native is { } native && native.Serves(deployment.Provider) ? native : null;
        if (!context.NativePassthrough && context.Call.TranslationRefusal is { } refusal)
        {
            // The client asked for something only its own dialect's providers honour: refused, never silently dropped.
            await context.RejectAsync(refusal);
            return null;
        }

        using var upstreamBody = context.NativePassthrough
            ? RequestRewriter.RewriteModel(context.Call.ClientBody!.Memory.Span, deployment.UpstreamModelJson)
            : RequestRewriter.Rewrite(context.Call.Body!.Memory.Span, context.Call.Request!, deployment.UpstreamModelJson);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Aborted);
        timeout.CancelAfter(deployment.Timeout);

        // Until the response headers arrive, the first-token limit applies too (when set; most deployments have none).
        using var firstToken = deployment.FirstTokenTimeout is { } firstTokenTimeout ? CancellationTokenSource.CreateLinkedTokenSource(timeout.Token) : null;
        firstToken?.CancelAfter(deployment.FirstTokenTimeout!.Value);
        var untilHeaders = firstToken?.Token ?? timeout.Token;

        HttpResponseMessage response;
        try
        {
            response = context.NativePassthrough
                ? await context.NativeUpstream!.SendAsync(deployment.Provider, upstreamBody!.Memory, context.Http.Request.Headers, untilHeaders)
                : await deployment.Provider.SendAsync(
                    new ProviderRequest(context.Call.Operation, deployment.UpstreamModel, upstreamBody!.Memory, context.Http.Request.Headers), untilHeaders);
        }
        catch (OperationCanceledException ex) when (!context.Aborted.IsCancellationRequested)
        {
            var message = timeout.IsCancellationRequested
                ? $"The upstream did not answer within {deployment.Timeout.TotalSeconds:0.###} s."
                : firstToken?.IsCancellationRequested == true
                    ? $"The upstream sent no first token within {deployment.FirstTokenTimeout!.Value.TotalSeconds:0.###} s."
                    // The provider's own client gave up (HttpClient's timeout, the simulator's simulated one): its words say after how long.
                    : ex.InnerException is TimeoutException ? $"The upstream timed out: {ex.Message}" : "The upstream timed out before it answered.";
            return await context.AttemptFailedAsync(UpstreamFailure.Timeout, message);
        }
        catch (HttpRequestException ex)
        {
            return await context.AttemptFailedAsync(UpstreamFailure.ConnectionFailed, $"Could not reach the upstream: {scrubber.Scrub(ex.Message)}");
        }

        using (response)
        {
            return context.Call.Request!.Stream && response.IsSuccessStatusCode
                ? await streamRelay.RelayAsync(context, response, timeout.Token)
                : await relay.RelayAsync(context, response, timeout.Token);
        }
    }
}
