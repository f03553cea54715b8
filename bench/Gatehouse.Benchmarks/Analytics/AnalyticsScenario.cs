using Gatehouse.Analytics;

namespace Gatehouse.Benchmarks.Analytics;

/// <summary>One report the dashboard asks for, ending at <see cref="AnalyticsData.End"/>.</summary>
internal sealed record AnalyticsScenario(string Name, AnalyticsQuery Query)
{
    /// <summary>The busiest owner's keys are 40–48 (team-004); key-00042 is one of them, ~11,000 calls over 30 days at 10 million.</summary>
    public static IReadOnlyList<AnalyticsScenario> Typical { get; } =
    [
        new("24h all keys (hour)", Range(TimeSpan.FromDays(1), "hour")),
        new("7d all keys (day)", Range(TimeSpan.FromDays(7), "day")),
        new("30d all keys (day)", Range(TimeSpan.FromDays(30), "day")),
        new("30d one key (day)", Range(TimeSpan.FromDays(30), "day") with { KeyId = AnalyticsData.KeyId(42) }),
        new("7d one owner (day)", Range(TimeSpan.FromDays(7), "day") with { Owner = AnalyticsData.Owner(4) }),
    ];

    private static AnalyticsQuery Range(TimeSpan length, string groupBy) => new()
    {
        From = AnalyticsData.End - length,
        To = AnalyticsData.End,
        GroupBy = groupBy,
    };
}
