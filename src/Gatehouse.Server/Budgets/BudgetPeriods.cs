namespace Gatehouse.Budgets;

/// <summary>Where a budget period starts and ends: UTC midnight, the first of the UTC month, or never for totals.</summary>
internal static class BudgetPeriods
{
    /// <summary>The start of the period that contains <paramref name="now"/>; the Unix epoch for <see cref="BudgetPeriod.Total"/>.</summary>
    public static DateTimeOffset StartOf(BudgetPeriod period, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return period switch
        {
            BudgetPeriod.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            BudgetPeriod.Month => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => DateTimeOffset.UnixEpoch,
        };
    }

    /// <summary>When the period that started at <paramref name="start"/> ends (the next one starts); null for totals.</summary>
    public static DateTimeOffset? EndOf(BudgetPeriod period, DateTimeOffset start) => period switch
    {
        BudgetPeriod.Day => start.AddDays(1),
        BudgetPeriod.Month => start.AddMonths(1),
        _ => null,
    };
}
