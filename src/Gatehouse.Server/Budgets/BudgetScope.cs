namespace Gatehouse.Budgets;

/// <summary>Whose spend a budget limits: one virtual key, or every key with the same <c>owner</c>.</summary>
internal enum BudgetScope
{
    Key,
    Owner,
}
