namespace Gatehouse.Budgets;

/// <summary>A budget's settled spend in one period and the alert thresholds already fired in it: one <c>budget_spend</c> row.</summary>
internal sealed record BudgetSpend(string BudgetId, DateTimeOffset PeriodStart, decimal SpentUsd, IReadOnlyList<decimal> AlertsFired, DateTimeOffset UpdatedAt);
