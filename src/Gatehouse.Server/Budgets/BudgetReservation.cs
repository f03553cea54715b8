namespace Gatehouse.Budgets;

/// <summary>What one admitted call holds against its budgets until it settles.</summary>
internal sealed record BudgetReservation(BudgetAccount[] Accounts, decimal Amount, Budget Tightest, decimal TightestRemaining);
