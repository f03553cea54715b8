namespace Gatehouse.Budgets;

/// <summary>The lower-case names scopes and periods have in the API, the database and alerts.</summary>
internal static class BudgetNames
{
    public static string Name(this BudgetScope scope) => scope switch
    {
        BudgetScope.Key => "key",
        _ => "owner",
    };

    public static string Name(this BudgetPeriod period) => period switch
    {
        BudgetPeriod.Day => "day",
        BudgetPeriod.Month => "month",
        _ => "total",
    };

    public static bool TryParseScope(string? value, out BudgetScope scope)
    {
        switch (value?.ToLowerInvariant())
        {
            case "key":
                scope = BudgetScope.Key;
                return true;
            case "owner":
                scope = BudgetScope.Owner;
                return true;
            default:
                scope = default;
                return false;
        }
    }

    public static bool TryParsePeriod(string? value, out BudgetPeriod period)
    {
        switch (value?.ToLowerInvariant())
        {
            case "day":
                period = BudgetPeriod.Day;
                return true;
            case "month":
                period = BudgetPeriod.Month;
                return true;
            case "total":
                period = BudgetPeriod.Total;
                return true;
            default:
                period = default;
                return false;
        }
    }
}
