using System.Data.Common;
using Dapper;
using Gatehouse.Analytics;

namespace Gatehouse.Storage;

/// <summary>
/// The admin's request report from the hourly rollups (<c>request_record_hours</c>,
/// <c>request_record_latency_hours</c>, kept by each dialect's trigger) and the records of the partial
/// hours at the range's ends: the same numbers as the queries over every record, in time proportional
/// to the hours in the range rather than the records.
/// </summary>
internal abstract partial class SqlAnalyticsStore
{
    private static readonly double[] Percentiles = [0.50, 0.95, 0.99];

    private async Task<AnalyticsSection> RolledUpRequestsAsync(
        DbConnection connection, DbTransaction transaction, AnalyticsQuery query, AnalyticsRollupRange range, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { range.FromUs, range.ToUs, range.HoursFromUs, range.HoursToUs });
        var groupParameters = new DynamicParameters(parameters);
        groupParameters.Add("WidthUs", (long)query.BucketWidth.TotalMicroseconds);
        var groups = (await connection.QueryAsync<RollupGroupRow>(new CommandDefinition(AnalyticsSql.RollupGroups, groupParameters, transaction, cancellationToken: cancellationToken))).AsList();

        var summary = new SummaryRow();
        var tools = new ToolTokenTotals();
        foreach (var group in groups)
        {
            summary.Total += group.Total;
            summary.Succeeded += group.Succeeded;
            summary.CostPusd += group.CostPusd;
            summary.InputTokens += group.InputTokens;
            summary.OutputTokens += group.OutputTokens;
            summary.CacheEligible += group.CacheEligible;
            summary.CacheHits += group.CacheHits;
            tools.Calls += group.ToolCalls;
            tools.TokensOffered += group.ToolTokensOffered;
            tools.TokensSent += group.ToolTokensSent;
            tools.ToolsOffered += group.ToolsOffered;
            tools.ToolsSent += group.ToolsSent;
            tools.SearchRounds += group.SearchRounds;
        }

        // As AnalyticsSql.ByModel: most cost first, then most calls, at most 100.
        var byModel = groups
            .GroupBy(static g => (g.Model, g.ModelNull))
            .Select(static m => new GroupRow { Name = m.Key.ModelNull == 1 ? null : m.Key.Model, Total = m.Sum(static g => g.Total), CostPusd = m.Sum(static g => g.CostPusd) })
            .OrderByDescending(static m => m.CostPusd)
            .ThenByDescending(static m => m.Total)
            .Take(100)
            .ToList();
        var buckets = groups
            .GroupBy(static g => g.StartUs)
            .ToDictionary(static b => b.Key, static b =>
            {
                var total = b.Sum(static g => g.Total);
                return new BucketRow
                {
                    StartUs = b.Key,
                    Total = total,
                    Succeeded = b.Sum(static g => g.Succeeded),
                    CostPusd = b.Sum(static g => g.CostPusd),
                    Tokens = b.Sum(static g => g.InputTokens + g.OutputTokens),
                    AverageLatencyMs = total == 0 ? null : b.Sum(static g => g.LatencyMsSum) / total,
                };
            });

        var latency = await RolledUpPercentilesAsync(connection, transaction, parameters, cancellationToken);
        return Section(query, isExecutions: false, summary, byModel, byPrompt: null, buckets, tools, latency);
    }

    /// <summary>
    /// Nearest rank, as <see cref="LatencyPercentilesAsync"/>: the bucket counts say which bucket holds
    /// rank ⌈p·n⌉ and how many calls lie below it; one ordered read inside that bucket gives the value.
    /// </summary>
    private async Task<LatencySummary> RolledUpPercentilesAsync(
        DbConnection connection, DbTransaction transaction, DynamicParameters range, CancellationToken cancellationToken)
    {
        var counts = (await connection.QueryAsync<LatencyBucketRow>(new CommandDefinition(
            AnalyticsSql.RollupLatencyBuckets(LatencyBucketSql), range, transaction, cancellationToken: cancellationToken))).AsList();
        var count = counts.Sum(static c => c.Calls);
        if (count == 0)
        {
            return new LatencySummary(null, null, null);
        }

        var values = new double?[Percentiles.Length];
        for (var i = 0; i < Percentiles.Length; i++)
        {
            var rank = (long)Math.Ceiling(Percentiles[i] * count) - 1;
            var below = 0L;
            var bucket = counts[^1];
            foreach (var candidate in counts)
            {
                if (below + candidate.Calls > rank)
                {
                    bucket = candidate;
                    break;
                }

                below += candidate.Calls;
            }

            var (low, high) = AnalyticsSql.LatencyBucketBounds(bucket.BucketMs);
            var parameters = new DynamicParameters(range);
            parameters.Add("LowMs", low);
            parameters.Add("HighMs", high);
            parameters.Add("Offset", rank - below);
            values[i] = await connection.QuerySingleAsync<double>(new CommandDefinition(
                AnalyticsSql.LatencyInBucket(low is not null, high is not null), parameters, transaction, cancellationToken: cancellationToken));
        }

        return new LatencySummary(values[0], values[1], values[2]);
    }

    private sealed class RollupGroupRow
    {
        public long StartUs { get; set; }
        public string Model { get; set; } = "";
        public long ModelNull { get; set; }
        public long Total { get; set; }
        public long Succeeded { get; set; }
        public long CostPusd { get; set; }
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public long CacheEligible { get; set; }
        public long CacheHits { get; set; }
        public double LatencyMsSum { get; set; }
        public long ToolCalls { get; set; }
        public long ToolTokensOffered { get; set; }
        public long ToolTokensSent { get; set; }
        public long ToolsOffered { get; set; }
        public long ToolsSent { get; set; }
        public long SearchRounds { get; set; }
    }

    private sealed class LatencyBucketRow
    {
        public long BucketMs { get; set; }
        public long Calls { get; set; }
    }
}
