namespace Gatehouse.Analytics;

/// <summary>What to count: a time range (from inclusive, to exclusive), the bucket size, and whose data.</summary>
internal sealed record AnalyticsQuery
{
    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    /// <summary><c>hour</c> or <c>day</c> (UTC).</summary>
    public required string GroupBy { get; init; }

    /// <summary>Only this owner's executions and the requests of its keys; null with <see cref="KeyId"/> null = everything (admin).</summary>
    public string? Owner { get; init; }

    /// <summary>Only this key's (a non-admin key with no owner).</summary>
    public string? KeyId { get; init; }

    public TimeSpan BucketWidth => GroupBy == "day" ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1);
}
