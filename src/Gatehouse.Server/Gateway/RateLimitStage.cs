using System.Threading.RateLimiting;
using Gatehouse.OpenAI;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// Admits a call only while its key is under its limits: requests per minute, and tokens per
/// minute (the call's estimated size reserved up front, settled with its real usage afterwards:
/// an overestimate is given back, an overrun charged). Over a limit: 429 with <c>Retry-After</c>
/// and OpenAI's <c>x-ratelimit-*</c> headers; the refusal is recorded. Keys without limits pass
/// straight through.
/// </summary>
internal sealed class RateLimitStage(KeyRateLimiters limiters, UsageMeter meter) : IGatewayStage
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        if (context.Call.Caller?.Key is not { } key || (key.RequestsPerMinute is null && key.TokensPerMinute is null))
        {
            await next(context);
            return;
        }

        var headers = context.Http.Response.Headers;
        if (key.RequestsPerMinute is { } requests)
        {
            using var lease = limiters.Acquire(key.Id, requests);
            var limit = new RateLimitHeaders("requests", requests, limiters.Remaining(key.Id, requests) ?? 0);
            if (!lease.IsAcquired)
            {
                await RejectAsync(context, lease, limit, $"{requests} requests per minute");
                return;
            }

            limit.WriteTo(headers);
        }

        if (key.TokensPerMinute is not { } tokens)
        {
            await next(context);
            return;
        }

        var estimate = meter.EstimateCallTokens(context);
        var reservation = limiters.ReserveTokens(key.Id, tokens, estimate);
        var tokenLimit = new RateLimitHeaders("tokens", tokens, limiters.RemainingTokens(key.Id, tokens) ?? 0);
        if (!reservation.IsAcquired)
        {
            await RejectAsync(context, reservation, tokenLimit, $"{tokens} tokens per minute (this call needs about {estimate})");
            return;
        }

        tokenLimit.WriteTo(headers);
        try
        {
            await next(context);
        }
        finally
        {
            // The usage of the attempt that answered; nothing when no deployment did (the estimate goes back).
            reservation.Settle(context.Outcome.Usage.TotalTokens);
        }
    }

    private static Task RejectAsync(GatewayContext context, RateLimitLease lease, RateLimitHeaders limit, string what)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);
        var seconds = RateLimitHeaders.WholeSeconds(retryAfter);
        context.Http.Response.Headers.RetryAfter = seconds;
        (limit with { Reset = retryAfter }).WriteTo(context.Http.Response.Headers);
        return context.RejectAsync(new OpenAIError(
            StatusCodes.Status429TooManyRequests,
            $"Rate limit reached for this key: {what}. Try again in {seconds} s.",
            "requests",
            Code: "rate_limit_exceeded"));
    }
}
