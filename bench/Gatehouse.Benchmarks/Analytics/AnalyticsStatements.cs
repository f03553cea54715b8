using Dapper;
using Gatehouse.Analytics;
using Gatehouse.Storage;

namespace Gatehouse.Benchmarks.Analytics;

/// <summary>The request-record statements a report runs, built by the product's <see cref="AnalyticsSql"/>, for EXPLAIN.</summary>
internal static class AnalyticsStatements
{
    public static IEnumerable<(string Name, string Sql, DynamicParameters Parameters)> Requests(AnalyticsQuery query)
    {
        var source = AnalyticsSource.Requests;
        var (where, parameters) = AnalyticsSql.Filter(source, query);
        var buckets = new DynamicParameters(parameters);
        buckets.Add("WidthUs", (long)query.BucketWidth.TotalMicroseconds);
        yield return ("summary", AnalyticsSql.Summary(source, where), parameters);
        yield return ("by model", AnalyticsSql.ByModel(source, where), parameters);
        yield return ("buckets", AnalyticsSql.Buckets(source, where), buckets);
        yield return ("tools", AnalyticsSql.ToolTotals(where), parameters);
        var rank = new DynamicParameters(parameters);
        rank.Add("Rank", 0L);
        yield return ("latency (lowest rank; PostgreSQL uses percentile_disc)", AnalyticsSql.LatencyAt(source, where), rank);
    }
}
