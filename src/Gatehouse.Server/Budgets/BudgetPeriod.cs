namespace Gatehouse.Budgets;

/// <summary>The window a budget's spend is counted over. Day and month are UTC calendar periods.</summary>
internal enum BudgetPeriod
{
    Day,
    Month,
    Total,
}
