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
}
