namespace Gatehouse.Budgets;

/// <summary>
/// What one admitted call holds against its budgets until it settles. <see cref="Shared"/> is the
/// hold in the shared ledger (Redis) when that admitted the call; null when this process's ledger did.
/// </summary>
internal sealed record BudgetReservation(BudgetAccount[] Accounts, decimal Amount, Budget Tightest, decimal TightestRemaining, object? Shared = null);
