using System.Globalization;
using Gatehouse.OpenAI;

namespace Gatehouse.Budgets;

/// <summary>Why a call was not admitted: the first budget that could not cover its worst-case cost, with its numbers at that moment.</summary>
internal sealed record BudgetRefusal(BudgetState State, decimal Needed)
{
    /// <summary>
    /// 429 in OpenAI's shape. No <c>Retry-After</c>: SDKs would sleep and retry until the period
    /// resets (hours), so the reset time is in the message instead.
    /// </summary>
    public OpenAIError ToError()
    {
        var budget = State.Budget;
        var period = budget.Period == BudgetPeriod.Total
            ? "total (never resets)"
            : $"{budget.Period.Name()} (resets {State.PeriodEnd!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)})";
        var message = $"Budget exceeded: budget {budget.Label} for {budget.Scope.Name()} '{budget.Subject}', period {period}, "
            + $"limit ${Usd(budget.LimitUsd)}, spent ${Usd(State.SpentUsd)}, held by calls in flight ${Usd(State.ReservedUsd)}; "
            + $"this call may cost up to ${Usd(Needed)}. Lower max_tokens, or ask an administrator to raise the budget.";
        return new OpenAIError(StatusCodes.Status429TooManyRequests, message, "insufficient_quota", Code: "budget_exceeded");
    }

    public static string Usd(decimal amount) => amount.ToString("0.00##########", CultureInfo.InvariantCulture);
}
