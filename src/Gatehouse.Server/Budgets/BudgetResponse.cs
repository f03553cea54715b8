namespace Gatehouse.Budgets;

/// <summary>A budget as the API shows it: its settings and where its current period stands.</summary>
internal sealed record BudgetResponse(
    string Id,
    string? Name,
    string Scope,
    string? KeyId,
    string? Owner,
    string Period,
    decimal LimitUsd,
    IReadOnlyList<decimal> AlertThresholds,
    decimal SpentUsd,
    decimal ReservedUsd,
    decimal RemainingUsd,
    DateTimeOffset? PeriodStart,
    DateTimeOffset? ResetsAt,
    IReadOnlyList<decimal> AlertsFired,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static BudgetResponse From(BudgetState state)
    {
        var budget = state.Budget;
        return new(
            budget.Id,
            budget.Name,
            budget.Scope.Name(),
            budget.Scope == BudgetScope.Key ? budget.Subject : null,
            budget.Scope == BudgetScope.Owner ? budget.Subject : null,
            budget.Period.Name(),
            budget.LimitUsd,
            budget.AlertThresholds,
            state.SpentUsd,
            state.ReservedUsd,
            state.RemainingUsd,
            budget.Period == BudgetPeriod.Total ? null : state.PeriodStart,
            state.PeriodEnd,
            state.AlertsFired,
            budget.CreatedAt,
            budget.UpdatedAt);
    }
}
