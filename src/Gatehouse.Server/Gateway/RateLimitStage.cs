using System.Globalization;
using System.Threading.RateLimiting;
using Gatehouse.OpenAI;

namespace Gatehouse.Gateway;

/// <summary>
/// Admits a call only while its key is under its limits: requests per minute, and tokens per
/// minute (the prompt's estimated size plus <c>max_tokens</c> up front, any overrun settled from the
/// real usage afterwards). Over a limit: 429 with <c>Retry-After</c> and OpenAI's
/// <c>x-ratelimit-*</c> headers; the refusal is recorded. Keys without limits pass straight through.
/// </summary>
internal sealed class RateLimitStage(KeyRateLimiters limiters, UsageMeter meter) : IGatewayStage
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        if (context.Caller?.Key is not { } key || (key.RequestsPerMinute is null && key.TokensPerMinute is null))
        {
            await next(context);
            return;
        }

        var headers = context.Http.Response.Headers;
        if (key.RequestsPerMinute is { } requests)
        {
            using var lease = limiters.Acquire(key.Id, requests);
            headers["x-ratelimit-limit-requests"] = requests.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = (limiters.Remaining(key.Id, requests) ?? 0).ToString(CultureInfo.InvariantCulture);
            if (!lease.IsAcquired)
            {
                await RejectAsync(context, lease, "x-ratelimit-reset-requests", $"{requests} requests per minute");
                return;
            }
        }

        if (key.TokensPerMinute is not { } tokens)
        {
            await next(context);
            return;
        }

        var estimate = EstimateTokens(context);
        using (var lease = limiters.AcquireTokens(key.Id, tokens, estimate))
        {
            headers["x-ratelimit-limit-tokens"] = tokens.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = (limiters.RemainingTokens(key.Id, tokens) ?? 0).ToString(CultureInfo.InvariantCulture);
            if (!lease.IsAcquired)
            {
                await RejectAsync(context, lease, "x-ratelimit-reset-tokens", $"{tokens} tokens per minute (this call needs about {estimate})");
                return;
            }
        }

        await next(context);

        // Settle: charge what the call used beyond the estimate (an overestimate is not refunded).
        var overrun = context.Usage.TotalTokens - estimate;
        if (overrun > 0)
        {
            limiters.AcquireTokens(key.Id, tokens, overrun).Dispose();
        }
    }

    /// <summary>The input counted with the tokenizer, plus the output the request allows.</summary>
    private int EstimateTokens(GatewayContext context) => meter.EstimateInput(context) + (context.Request!.MaxOutputTokens ?? 0);

    private static Task RejectAsync(GatewayContext context, RateLimitLease lease, string resetHeader, string limit)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var headers = context.Http.Response.Headers;
        headers.RetryAfter = seconds;
        headers[resetHeader] = seconds + "s";
        return context.RejectAsync(new OpenAIError(
            StatusCodes.Status429TooManyRequests,
            $"Rate limit reached for this key: {limit}. Try again in {seconds} s.",
            "requests",
            Code: "rate_limit_exceeded"));
    }
}
