using System.Text.Json.Serialization;

namespace Gatehouse.Analytics;

/// <summary><c>GET /api/analytics</c>: the same numbers over prompt executions and over raw gateway requests, for one time range.</summary>
internal sealed record AnalyticsReport(DateTimeOffset From, DateTimeOffset To, string GroupBy, AnalyticsSection Executions, AnalyticsSection Requests);

/// <summary>
/// One source's numbers. "Succeeded" is an execution that completed, or a request under 400 with no
/// error class (a stream cut after it started is a failure). Rates are 0–1, null when nothing counted.
/// </summary>
internal sealed record AnalyticsSection
{
    public required long Total { get; init; }

    public required long Succeeded { get; init; }

    public required long Failed { get; init; }

    /// <summary>Executions only: those among <see cref="Failed"/> whose output failed validation.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ValidationFailed { get; init; }

    public double? SuccessRate { get; init; }

    public required CostSummary Cost { get; init; }

    public required TokenSummary Tokens { get; init; }

    public required LatencySummary LatencyMs { get; init; }

    /// <summary>(hit + coalesced) / calls the cache took part in; null when it took part in none.</summary>
    public double? CacheHitRate { get; init; }

    /// <summary>Executions only: the most executed prompts, most first.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PromptUsage>? TopPrompts { get; init; }

    /// <summary>Requests only: tool prefiltering over the calls it ran on (tool tokens offered and sent).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Storage.ToolTokenTotals? Tools { get; init; }

    /// <summary>Every hour or day of the range, oldest first, empty ones included.</summary>
    public required IReadOnlyList<AnalyticsBucket> Buckets { get; init; }
}

internal sealed record CostSummary(
    decimal TotalUsd,
    decimal? AverageUsd,
    IReadOnlyList<ModelCost> ByModel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PromptUsage>? ByPrompt);

internal sealed record ModelCost(string? Model, long Count, decimal CostUsd);

internal sealed record PromptUsage(string? PromptId, string? PromptSlug, long Executions, long Succeeded, double? SuccessRate, decimal CostUsd);

internal sealed record TokenSummary(long Input, long Output, long Total, double? Average);

/// <summary>Nearest-rank percentiles over every call of the range.</summary>
internal sealed record LatencySummary(double? P50, double? P95, double? P99);

internal sealed record AnalyticsBucket(DateTimeOffset Start, long Total, long Succeeded, long Failed, decimal CostUsd, long Tokens, double? AverageLatencyMs);
