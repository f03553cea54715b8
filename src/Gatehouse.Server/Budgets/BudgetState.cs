namespace Gatehouse.Budgets;

/// <summary>A budget and where it stands now, for <c>/api/budgets</c>.</summary>
internal sealed record BudgetState(
    Budget Budget,
    DateTimeOffset PeriodStart,
    DateTimeOffset? PeriodEnd,
    decimal SpentUsd,
    decimal ReservedUsd,
    IReadOnlyList<decimal> AlertsFired)
{
    /// <summary>What calls may still spend: the limit less settled spend and what calls in flight hold (never below 0).</summary>
    public decimal RemainingUsd => Math.Max(0m, Budget.LimitUsd - SpentUsd - ReservedUsd);
}
