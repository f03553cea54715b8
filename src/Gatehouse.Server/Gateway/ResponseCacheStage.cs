using System.Globalization;
using System.Runtime.ExceptionServices;
using Gatehouse.Caching;
using Gatehouse.Configuration;
using Gatehouse.Degradation;
using Microsoft.Extensions.Options;

namespace Gatehouse.Gateway;

/// <summary>
/// Serves a call from the response cache when an identical call was answered before, and makes
/// identical calls in flight at the same time share one upstream call. The first of them
/// produces the answer (through the rest of the pipeline, into a <see cref="SharedAnswer"/>);
/// every one of them, the first included, replays it to its own client as it arrives, streams
/// included. A successful answer is then stored. Hits and shared answers cost nothing and are
/// recorded as <c>hit</c> / <c>coalesced</c>; the producing call is the <c>miss</c> that paid.
/// </summary>
internal sealed class ResponseCacheStage(
    ResponseCache cache,
    IInFlightAnswers inFlight,
    CacheCounters counters,
    DegradationState degradation,
    IOptionsMonitor<GatehouseOptions> options,
    TimeProvider timeProvider)
    : IGatewayStage
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var settings = options.CurrentValue.Cache;
        // From "degraded" down, answers come from the cache wherever one is stored.
        if (!CallCachePolicy.TryRead(context, settings, onForAll: degradation.Level >= DegradationLevel.Degraded, out var policy, out var invalid))
        {
            await context.RejectAsync(invalid!);
            return;
        }

        if (policy is null)
        {
            await next(context);
            return;
        }

        var key = ResponseCacheKey.Compute(context, policy.Namespace);
        if (policy.Lookup && await cache.GetAsync(key, context.Aborted) is { } stored)
        {
            await ServeStoredAsync(context, stored);
            return;
        }

        var shared = inFlight.JoinOrStart(key, out var producer);
        if (producer)
        {
            await ProduceAsync(context, next, key, shared, policy, settings);
        }
        else
        {
            await FollowAsync(context, next, shared);
        }
    }

    private async Task ServeStoredAsync(GatewayContext context, CachedAnswer stored)
    {
        var response = context.Http.Response;
        response.StatusCode = stored.StatusCode;
        foreach (var (name, value) in stored.Headers)
        {
            response.Headers[name] = value;
        }

        MarkFree(response, CacheStatuses.Hit);
        var age = cache.AgeOf(stored);
        response.Headers.Age = ((long)Math.Max(0, age.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.Outcome.CacheStatus = CacheStatuses.Hit;
        counters.Count(CacheStatuses.Hit);
        if (!stored.Streamed)
        {
            response.ContentLength = stored.Body.Length;
            await response.Body.WriteAsync(stored.Body, context.Aborted);
            return;
        }

        // A stored stream goes out as a stream: one event at a time, each flushed.
        var body = stored.Body.AsMemory();
        while (!body.IsEmpty)
        {
            var end = body.Span.IndexOf("\n\n"u8);
            var length = end < 0 ? body.Length : end + 2;
            await response.Body.WriteAsync(body[..length], context.Aborted);
            await response.Body.FlushAsync(context.Aborted);
            body = body[length..];
        }
    }

    private async Task ProduceAsync(GatewayContext context, GatewayDelegate next, string key, SharedAnswer shared, CallCachePolicy policy, CacheOptions settings)
    {
        // Another call may have stored the answer between our lookup and our registration.
        if (policy.Lookup && await cache.GetAsync(key, CancellationToken.None) is { } stored)
        {
            Publish(shared, stored);
            inFlight.Remove(key, shared);
            shared.Leave();
            await ServeStoredAsync(context, stored);
            return;
        }

        counters.Count(CacheStatuses.Miss);
        var (producerHttp, producerResponse) = VirtualResponse.CreateContext(context.Http.Request, shared, shared.ProductionAborted);
        var producerContext = context.ForNestedRun(producerHttp);
        var production = RunProducerAsync(producerContext, producerResponse, next, key, shared, policy, settings);
        try
        {
            await shared.ReplayAsync(context.Http.Response, onlyIfShareable: false, static r => r.Headers[GatehouseHeaders.CacheStatus] = CacheStatuses.Miss, context.Aborted);
        }
        finally
        {
            // This caller's record is the upstream call's record, even when its own client left early.
            shared.Leave();
            var failure = await production;
            context.Outcome.Add(producerContext.Outcome);
            context.Outcome.CacheStatus = CacheStatuses.Miss;
            failure?.Throw();
        }

        if (shared.Outcome!.BodyAborted)
        {
            await StreamRelay.AbortBodyAsync(context.Http, timeProvider);
        }
    }

    /// <summary>Runs the rest of the pipeline into the shared answer, then completes and (on success) stores it. Never throws: a failure is returned for the producing caller to rethrow.</summary>
    private async Task<ExceptionDispatchInfo?> RunProducerAsync(
        GatewayContext producerContext, VirtualResponse response, GatewayDelegate next, string key, SharedAnswer shared, CallCachePolicy policy, CacheOptions settings)
    {
        await Task.Yield();
        ExceptionDispatchInfo? failure = null;
        try
        {
            await next(producerContext);
            await response.CompleteAsync();
        }
        catch (Exception ex)
        {
            failure = ExceptionDispatchInfo.Capture(ex);
        }

        var outcome = new SharedOutcome(
            producerContext.Outcome.StatusCode,
            producerContext.Outcome.ErrorClass,
            producerContext.Outcome.ErrorMessage,
            producerContext.Outcome.Deployment,
            // An answer that never reached an upstream (a limit or budget of the producing caller's) is not the others' answer.
            Shareable: failure is null && response.HasStarted && producerContext.Outcome.Deployment is not null,
            BodyAborted: response.BodyAborted || (failure is not null && response.HasStarted));
        // Read before the callers are released: one of them may move the clock before the store runs.
        var completedAt = cache.UtcNow;
        shared.Complete(outcome);
        try
        {
            if (outcome.Succeeded && outcome.Shareable && shared.Length <= settings.MaxEntryKilobytes * 1024L)
            {
                await cache.SetAsync(key, policy.Namespace, shared, producerContext.Call.Request!.Stream, completedAt, policy.Ttl);
            }
        }
        finally
        {
            inFlight.Remove(key, shared);
        }

        return failure;
    }

    private async Task FollowAsync(GatewayContext context, GatewayDelegate next, SharedAnswer shared)
    {
        bool served;
        try
        {
            served = await shared.ReplayAsync(context.Http.Response, onlyIfShareable: true, static r => MarkFree(r, CacheStatuses.Coalesced), context.Aborted);
        }
        finally
        {
            shared.Leave();
        }

        if (!served)
        {
            // The producing call was stopped for its own caller's reasons: this one makes its own call.
            await next(context);
            return;
        }

        var outcome = shared.Outcome!;
        context.Outcome.CacheStatus = CacheStatuses.Coalesced;
        context.Outcome.Deployment = outcome.Deployment;
        context.Outcome.StatusCode = outcome.StatusCode;
        context.Outcome.ErrorClass = outcome.ErrorClass;
        context.Outcome.ErrorMessage = outcome.ErrorMessage;
        counters.Count(CacheStatuses.Coalesced);
        if (outcome.BodyAborted)
        {
            await StreamRelay.AbortBodyAsync(context.Http, timeProvider);
        }
    }

    /// <summary>Fills a shared answer from a stored one, for callers that joined while the producer found it stored.</summary>
    private static void Publish(SharedAnswer shared, CachedAnswer stored)
    {
        shared.Start(stored.StatusCode, [.. stored.Headers]);
        shared.Append(stored.Body);
        shared.Complete(new SharedOutcome(stored.StatusCode, null, null, null, Shareable: true, BodyAborted: false));
    }

    /// <summary>
    /// Headers that describe the producing call alone — its usage, its budget, the tools it sent —
    /// and so are never repeated to a caller served from its answer.
    /// </summary>
    private static readonly string[] s_producerOnlyHeaders =
    [
        GatehouseHeaders.InputTokens, GatehouseHeaders.OutputTokens, GatehouseHeaders.CachedTokens,
        GatehouseHeaders.ReasoningTokens, GatehouseHeaders.UsageEstimated,
        GatehouseHeaders.BudgetId, GatehouseHeaders.BudgetRemainingUsd,
        GatehouseHeaders.ToolsOffered, GatehouseHeaders.ToolsSent, GatehouseHeaders.ToolTokensOffered,
        GatehouseHeaders.ToolTokensSent, GatehouseHeaders.ToolSearchRounds,
    ];

    /// <summary>Headers for a caller that did not pay: none of the producing call's own, cost zero.</summary>
    private static void MarkFree(HttpResponse response, string status)
    {
        var headers = response.Headers;
        foreach (var name in s_producerOnlyHeaders)
        {
            headers.Remove(name);
        }

        headers[GatehouseHeaders.CostUsd] = "0";
        headers[GatehouseHeaders.CacheStatus] = status;
    }
}
