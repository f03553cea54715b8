using System.Text;
using Dapper;
using Gatehouse.Analytics;

namespace Gatehouse.Storage;

/// <summary>
/// The analytics queries, portable between SQLite and PostgreSQL: aggregates, GROUP BY, integer
/// bucket arithmetic on the microsecond timestamps, and percentiles as one ordered row at an offset
/// (nearest rank), so nothing proportional to the range is held in memory.
/// </summary>
internal static class AnalyticsSql
{
    /// <summary>The range condition and the caller's scope, shared by every query of one report.</summary>
    public static (string Where, DynamicParameters Parameters) Filter(AnalyticsSource source, AnalyticsQuery query)
    {
        var where = new StringBuilder($"{source.Time} >= @FromUs AND {source.Time} < @ToUs");
        var parameters = new DynamicParameters();
        parameters.Add("FromUs", StorageValues.ToUnixMicroseconds(query.From));
        parameters.Add("ToUs", StorageValues.ToUnixMicroseconds(query.To));
        if (query.Owner is { } owner)
        {
            where.Append(" AND ").Append(source.OwnerScope);
            parameters.Add("Owner", owner);
        }
        else if (query.KeyId is { } keyId)
        {
            where.Append(" AND key_id = @KeyId");
            parameters.Add("KeyId", keyId);
        }

        return (where.ToString(), parameters);
    }

    public static string Summary(AnalyticsSource source, string where) =>
        $"""
        SELECT COUNT(*) AS Total,
               COALESCE(SUM(CASE WHEN {source.Succeeded} THEN 1 ELSE 0 END), 0) AS Succeeded,
               COALESCE(SUM(CASE WHEN {(source == AnalyticsSource.Executions ? "status = 'validation_failed'" : "1 = 0")} THEN 1 ELSE 0 END), 0) AS ValidationFailed,
               COALESCE(SUM(cost_pusd), 0) AS CostPusd,
               COALESCE(SUM(input_tokens), 0) AS InputTokens,
               COALESCE(SUM(output_tokens), 0) AS OutputTokens,
               COALESCE(SUM(CASE WHEN cache_status IS NOT NULL THEN 1 ELSE 0 END), 0) AS CacheEligible,
               COALESCE(SUM(CASE WHEN cache_status IN ('hit', 'coalesced') THEN 1 ELSE 0 END), 0) AS CacheHits
        FROM {source.Table}
        WHERE {where}
        """;

    /// <summary>Tool prefiltering over the calls it ran on (request records only).</summary>
    public static string ToolTotals(string where) =>
        $"""
        SELECT COUNT(tools_offered) AS Calls,
               COALESCE(SUM(tool_tokens_offered), 0) AS TokensOffered,
               COALESCE(SUM(tool_tokens_sent), 0) AS TokensSent,
               COALESCE(SUM(tools_offered), 0) AS ToolsOffered,
               COALESCE(SUM(tools_sent), 0) AS ToolsSent,
               COALESCE(SUM(tool_search_rounds), 0) AS SearchRounds
        FROM request_records
        WHERE {where} AND tools_offered IS NOT NULL
        """;

    public static string ByModel(AnalyticsSource source, string where) =>
        $"""
        SELECT {source.Model} AS Name, COUNT(*) AS Total, COALESCE(SUM(cost_pusd), 0) AS CostPusd
        FROM {source.Table}
        WHERE {where}
        GROUP BY {source.Model}
        ORDER BY CostPusd DESC, Total DESC
        LIMIT 100
        """;

    /// <summary>Executions only: per prompt, most executed first.</summary>
    public static string ByPrompt(string where) =>
        $"""
        SELECT prompt_id AS PromptId, MAX(prompt_slug) AS PromptSlug, COUNT(*) AS Total,
               COALESCE(SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END), 0) AS Succeeded,
               COALESCE(SUM(cost_pusd), 0) AS CostPusd
        FROM executions
        WHERE {where}
        GROUP BY prompt_id
        ORDER BY Total DESC, CostPusd DESC
        LIMIT 100
        """;

    /// <summary>One latency at a rank (0-based) in ascending order.</summary>
    public static string LatencyAt(AnalyticsSource source, string where) =>
        $"SELECT latency_ms FROM {source.Table} WHERE {where} ORDER BY latency_ms LIMIT 1 OFFSET @Rank";

    public static string Buckets(AnalyticsSource source, string where) =>
        $"""
        SELECT ({source.Time} / @WidthUs) * @WidthUs AS StartUs, COUNT(*) AS Total,
               COALESCE(SUM(CASE WHEN {source.Succeeded} THEN 1 ELSE 0 END), 0) AS Succeeded,
               COALESCE(SUM(cost_pusd), 0) AS CostPusd,
               COALESCE(SUM(input_tokens + output_tokens), 0) AS Tokens,
               AVG(latency_ms) AS AverageLatencyMs
        FROM {source.Table}
        WHERE {where}
        GROUP BY ({source.Time} / @WidthUs) * @WidthUs
        ORDER BY StartUs
        """;

    /// <summary>
    /// The admin's request report from the hourly rollup (whole hours of <see cref="AnalyticsRollupRange"/>)
    /// plus the records of the partial hours at both ends: one row per bucket and model with every sum
    /// the report shows, which <see cref="SqlAnalyticsStore"/> adds up into the summary, the models,
    /// the buckets and the tool totals.
    /// </summary>
    public static readonly string RollupGroups =
        $"""
        SELECT b AS StartUs, model AS Model, model_null AS ModelNull,
               SUM(calls) AS Total, SUM(succeeded) AS Succeeded, SUM(cost_pusd) AS CostPusd,
               SUM(input_tokens) AS InputTokens, SUM(output_tokens) AS OutputTokens,
               SUM(cache_eligible) AS CacheEligible, SUM(cache_hits) AS CacheHits, SUM(latency_ms_sum) AS LatencyMsSum,
               SUM(tool_calls) AS ToolCalls, SUM(tool_tokens_offered) AS ToolTokensOffered, SUM(tool_tokens_sent) AS ToolTokensSent,
               SUM(tools_offered) AS ToolsOffered, SUM(tools_sent) AS ToolsSent, SUM(tool_search_rounds) AS SearchRounds
        FROM (
            SELECT (hour_us / @WidthUs) * @WidthUs AS b, model, model_null, calls, succeeded, cost_pusd, input_tokens, output_tokens,
                   cache_eligible, cache_hits, latency_ms_sum, tool_calls, tool_tokens_offered, tool_tokens_sent,
                   tools_offered, tools_sent, tool_search_rounds
            FROM request_record_hours
            WHERE hour_us >= @HoursFromUs AND hour_us < @HoursToUs
            UNION ALL
            {EdgeHours("""
                (timestamp_us / @WidthUs) * @WidthUs, COALESCE(requested_model, ''), CASE WHEN requested_model IS NULL THEN 1 ELSE 0 END,
                1, CASE WHEN status_code < 400 AND error_class IS NULL THEN 1 ELSE 0 END, cost_pusd, input_tokens, output_tokens,
                CASE WHEN cache_status IS NOT NULL THEN 1 ELSE 0 END, CASE WHEN cache_status IN ('hit', 'coalesced') THEN 1 ELSE 0 END,
                latency_ms, CASE WHEN tools_offered IS NOT NULL THEN 1 ELSE 0 END,
                CASE WHEN tools_offered IS NULL THEN 0 ELSE COALESCE(tool_tokens_offered, 0) END,
                CASE WHEN tools_offered IS NULL THEN 0 ELSE COALESCE(tool_tokens_sent, 0) END,
                COALESCE(tools_offered, 0),
                CASE WHEN tools_offered IS NULL THEN 0 ELSE COALESCE(tools_sent, 0) END,
                CASE WHEN tools_offered IS NULL THEN 0 ELSE COALESCE(tool_search_rounds, 0) END
                """)}
        ) AS g
        GROUP BY b, model, model_null
        """;

    /// <summary>
    /// <paramref name="columns"/> of the records in the partial hours at the two ends of an
    /// <see cref="AnalyticsRollupRange"/>: two plain ranges (UNION ALL), which each back end reads
    /// through its time index, where one OR of the two ranges can make PostgreSQL walk another index whole.
    /// </summary>
    private static string EdgeHours(string columns) =>
        $"SELECT {columns} FROM request_records WHERE timestamp_us >= @FromUs AND timestamp_us < @HoursFromUs\n"
        + $"UNION ALL SELECT {columns} FROM request_records WHERE timestamp_us >= @HoursToUs AND timestamp_us < @ToUs";

    /// <summary>Calls per latency bucket over an <see cref="AnalyticsRollupRange"/>, lowest bucket first; <paramref name="bucket"/> is the dialect's <see cref="LatencyBucket"/> of <c>latency_ms</c>.</summary>
    public static string RollupLatencyBuckets(string bucket) =>
        $"""
        SELECT bucket_ms AS BucketMs, SUM(calls) AS Calls
        FROM (
            SELECT bucket_ms, calls FROM request_record_latency_hours WHERE hour_us >= @HoursFromUs AND hour_us < @HoursToUs
            UNION ALL
            {EdgeHours(bucket + ", 1")}
        ) AS h
        GROUP BY bucket_ms
        ORDER BY bucket_ms
        """;

    /// <summary>
    /// The latency at one rank (0-based, ascending) among a range's calls whose latency falls in one
    /// bucket (bounds from <see cref="LatencyBucketBounds"/>); ix_request_records_latency reads only that bucket.
    /// </summary>
    public static string LatencyInBucket(bool hasLow, bool hasHigh) =>
        "SELECT latency_ms FROM request_records WHERE timestamp_us >= @FromUs AND timestamp_us < @ToUs"
        + (hasLow ? " AND latency_ms >= @LowMs" : "")
        + (hasHigh ? " AND latency_ms < @HighMs" : "")
        + " ORDER BY latency_ms LIMIT 1 OFFSET @Offset";

    /// <summary>Latencies at or above this many milliseconds (and NaN) share the top bucket; below 0 the bottom one.</summary>
    public const long MaxLatencyBucketMs = 1_000_000_000_000_000;

    /// <summary>
    /// A latency's bucket as SQLite computes it (the arithmetic of PostgreSQL's <c>request_latency_bucket</c>
    /// and of the SQLite migration's trigger): the whole milliseconds f, clamped to [0, 1e15], kept to two
    /// significant digits: f below 100, f - f % 10 below 1,000, and so on, f - f % 10,000 from 100,000 up.
    /// </summary>
    public static string LatencyBucket(string column)
    {
        var f = $"CAST(MIN(MAX({column}, 0), 1e15) AS INTEGER)";
        return $"CASE WHEN {f} < 100 THEN {f} WHEN {f} < 1000 THEN {f} - {f} % 10 WHEN {f} < 10000 THEN {f} - {f} % 100 "
            + $"WHEN {f} < 100000 THEN {f} - {f} % 1000 ELSE {f} - {f} % 10000 END";
    }

    /// <summary>
    /// The latencies a bucket holds: [low, high) milliseconds, without a lower bound for the bottom
    /// bucket (0, which clamping also gives negative latencies) and without an upper one for the top.
    /// </summary>
    public static (double? Low, double? High) LatencyBucketBounds(long bucket)
    {
        var width = bucket switch
        {
            < 100 => 1L,
            < 1_000 => 10L,
            < 10_000 => 100L,
            < 100_000 => 1_000L,
            _ => 10_000L,
        };
        return (bucket <= 0 ? null : bucket, bucket >= MaxLatencyBucketMs ? null : bucket + width);
    }
}
