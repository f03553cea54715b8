using System.Globalization;
using System.Threading.RateLimiting;
using Gatehouse.OpenAI;

namespace Gatehouse.Gateway;

/// <summary>
/// Admits a call only while its key is under its requests-per-minute limit. Over the limit: 429
/// with <c>Retry-After</c> and OpenAI's <c>x-ratelimit-*</c> headers; the refusal is recorded.
/// Keys without a limit pass straight through.
/// </summary>
internal sealed class RateLimitStage(KeyRateLimiters limiters) : IGatewayStage
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        if (context.Caller?.Key is not { RequestsPerMinute: { } limit } key)
        {
            await next(context);
            return;
        }

        using var lease = limiters.Acquire(key.Id, limit);
        var headers = context.Http.Response.Headers;
        headers["x-ratelimit-limit-requests"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining-requests"] = (limiters.Remaining(key.Id, limit) ?? 0).ToString(CultureInfo.InvariantCulture);
        if (lease.IsAcquired)
        {
            await next(context);
            return;
        }

        // A sliding window frees its oldest segment within a sixth of the window.
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        headers.RetryAfter = seconds;
        headers["x-ratelimit-reset-requests"] = seconds + "s";
        await context.RejectAsync(new OpenAIError(
            StatusCodes.Status429TooManyRequests,
            $"Rate limit reached for this key: {limit} requests per minute. Try again in {seconds} s.",
            "requests",
            Code: "rate_limit_exceeded"));
    }
}
