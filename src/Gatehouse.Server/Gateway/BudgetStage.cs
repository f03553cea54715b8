using System.Globalization;
using Gatehouse.Budgets;

namespace Gatehouse.Gateway;

/// <summary>
/// Admits a call only if every budget on its key and its key's owner can cover the most the call
/// can cost (<see cref="WorstCaseCost"/>), reserving that amount against all of them at once; over
/// budget it is a 429 <c>budget_exceeded</c> naming the budget. Whatever happens next (an answer,
/// an upstream failure, the client leaving, a bug), the reservation is released and the call's real
/// cost, the one its record gets, is added to the spend (<see cref="BudgetSettlements"/>: the
/// answer does not wait for the ledger's reply). Runs right before forwarding, so calls answered
/// earlier (a cache hit) never reserve; a reservation the rate-limit stage sent early
/// (<see cref="EarlyBudgetReservation"/>) is decided here too. Keys without budgets pass straight through.
/// </summary>
internal sealed class BudgetStage(IBudgetAdmission ledger, WorstCaseCost worstCase, BudgetSettlements settlements) : IGatewayStage
{
    public Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var caller = context.Call.Caller!;
        return ledger.Find(caller.KeyId, caller.Owner) is { } accounts
            ? AdmitAsync(context, next, accounts)
            : next(context);
    }

    private async Task AdmitAsync(GatewayContext context, GatewayDelegate next, BudgetAccount[] accounts)
    {
        var amount = worstCase.For(context);
        var headers = context.Http.Response.Headers;
        var admission = context.Call.EarlyBudget is { } early && early.TryClaim(amount)
            ? await early.AdmissionAsync()
            : await ledger.ReserveAsync(accounts, amount, context.Aborted);
        if (admission.Unavailable is { } unavailable)
        {
            await context.RejectAsync(unavailable);
            return;
        }

        if (admission.Reservation is not { } reservation)
        {
            var refusal = admission.Refusal!;
            headers[GatehouseHeaders.BudgetId] = refusal.State.Budget.Id;
            headers[GatehouseHeaders.BudgetRemainingUsd] = Usd(Math.Max(0m, refusal.State.Budget.LimitUsd - refusal.State.SpentUsd - refusal.State.ReservedUsd));
            await context.RejectAsync(refusal.ToError());
            return;
        }

        headers[GatehouseHeaders.BudgetId] = reservation.Tightest.Id;
        headers[GatehouseHeaders.BudgetRemainingUsd] = Usd(reservation.TightestRemaining);
        try
        {
            await next(context);
        }
        finally
        {
            settlements.Settle(reservation, context.Outcome.CostUsd);
        }
    }

    // Twelve places: spend is kept in pico-dollars, so the header shows it exactly.
    private static string Usd(decimal amount) => amount.ToString("0.############", CultureInfo.InvariantCulture);
}
