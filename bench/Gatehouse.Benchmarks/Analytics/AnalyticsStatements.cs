using Dapper;
using Gatehouse.Analytics;
using Gatehouse.Storage;

namespace Gatehouse.Benchmarks.Analytics;

/// <summary>
/// The request-record statements a report runs, built by the product's <see cref="AnalyticsSql"/>, for
/// EXPLAIN: the rollup statements for the admin's report (<see cref="AnalyticsRollupRange"/>), the
/// queries over the records for a key's or an owner's.
/// </summary>
internal static class AnalyticsStatements
{
    public static IEnumerable<(string Name, string Sql, DynamicParameters Parameters)> Requests(AnalyticsQuery query, string latencyBucket)
    {
        var widthUs = (long)query.BucketWidth.TotalMicroseconds;
        if (AnalyticsRollupRange.For(query) is { } range)
        {
            var parameters = new DynamicParameters(new { range.FromUs, range.ToUs, range.HoursFromUs, range.HoursToUs });
            var groups = new DynamicParameters(parameters);
            groups.Add("WidthUs", widthUs);
            yield return ("rollup groups", AnalyticsSql.RollupGroups, groups);
            yield return ("rollup latency buckets", AnalyticsSql.RollupLatencyBuckets(latencyBucket), parameters);

            // A percentile read inside one bucket: the median's, in the data AnalyticsData generates (most calls take 80-500 ms).
            var inBucket = new DynamicParameters(parameters);
            inBucket.Add("LowMs", 290.0);
            inBucket.Add("HighMs", 300.0);
            inBucket.Add("Offset", 1000L);
            yield return ("latency inside one bucket (290-300 ms, rank 1000)", AnalyticsSql.LatencyInBucket(hasLow: true, hasHigh: true), inBucket);
            yield break;
        }

        var source = AnalyticsSource.Requests;
        var (where, filter) = AnalyticsSql.Filter(source, query);
        var buckets = new DynamicParameters(filter);
        buckets.Add("WidthUs", widthUs);
        yield return ("summary", AnalyticsSql.Summary(source, where), filter);
        yield return ("by model", AnalyticsSql.ByModel(source, where), filter);
        yield return ("buckets", AnalyticsSql.Buckets(source, where), buckets);
        yield return ("tools", AnalyticsSql.ToolTotals(where), filter);
        var rank = new DynamicParameters(filter);
        rank.Add("Rank", 0L);
        yield return ("latency (lowest rank; PostgreSQL uses percentile_disc)", AnalyticsSql.LatencyAt(source, where), rank);
    }
}
