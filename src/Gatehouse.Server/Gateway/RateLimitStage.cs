using Gatehouse.Budgets;
using Gatehouse.Keys;
using Gatehouse.OpenAI;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// Admits a call only while its key is under its limits: requests per minute, and tokens per
/// minute (the call's estimated size reserved up front, settled with its real usage afterwards:
/// an overestimate is given back, an overrun charged). Over a limit: 429 with <c>Retry-After</c>
/// and OpenAI's <c>x-ratelimit-*</c> headers; the refusal is recorded. Keys without limits pass
/// straight through. Where the limits live (this process, Redis) is the <see cref="IKeyRateLimiter"/>'s business.
/// On a shared ledger the call's budget reservation is sent at the same time, so that limits and
/// budget together cost one round trip (<see cref="EarlyBudgetReservation"/>; it is decided by the budget stage).
/// </summary>
internal sealed class RateLimitStage(IKeyRateLimiter limiters, UsageMeter meter, IBudgetAdmission ledger, WorstCaseCost worstCase, BudgetSettlements settlements) : IGatewayStage
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        if (context.Call.Caller?.Key is not { } key || (key.RequestsPerMinute is null && key.TokensPerMinute is null))
        {
            await next(context);
            return;
        }

        var early = SendBudgetEarly(context, context.Call.Caller);
        try
        {
            await AdmitAsync(context, next, key);
        }
        finally
        {
            early?.ReleaseUnclaimed(settlements);
        }
    }

    private EarlyBudgetReservation? SendBudgetEarly(GatewayContext context, CallerIdentity caller)
    {
        if (!ledger.Shared || ledger.Find(caller.KeyId, caller.Owner) is not { } accounts)
        {
            return null;
        }

        var early = EarlyBudgetReservation.Send(ledger, accounts, worstCase.For(context), context.Aborted);
        context.Call = context.Call with { EarlyBudget = early };
        return early;
    }

    private async Task AdmitAsync(GatewayContext context, GatewayDelegate next, VirtualKey key)
    {
        // Estimated up front so both limits go to the limiter in one call (one Redis round trip).
        var estimate = key.TokensPerMinute is null ? 0 : meter.EstimateCallTokens(context);
        var admission = await limiters.AdmitAsync(key.Id, key.RequestsPerMinute, key.TokensPerMinute, estimate, context.Aborted);
        var headers = context.Http.Response.Headers;
        switch (admission.Refused)
        {
            case KeyLimit.Requests:
                await RejectAsync(context, admission.RetryAfter, admission.Requests!.Value, $"{key.RequestsPerMinute} requests per minute");
                return;
            case KeyLimit.Tokens:
                admission.Requests?.WriteTo(headers);
                await RejectAsync(context, admission.RetryAfter, admission.Tokens!.Value, $"{key.TokensPerMinute} tokens per minute (this call needs about {estimate})");
                return;
        }

        admission.Requests?.WriteTo(headers);
        admission.Tokens?.WriteTo(headers);
        if (admission.TokenHold is not { } hold)
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            // The usage of the attempt that answered; nothing when no deployment did (the estimate goes back).
            hold.Settle(context.Outcome.Usage.TotalTokens);
        }
    }

    private static Task RejectAsync(GatewayContext context, TimeSpan retryAfter, RateLimitHeaders limit, string what)
    {
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
