using System.Data.Common;
using Dapper;
using Gatehouse.Analytics;

namespace Gatehouse.Storage;

/// <summary>
/// Analytics over the SQL tables: a handful of aggregate queries per source, on one connection, with
/// <see cref="AnalyticsSql"/>'s portable SQL. A back end supplies connections and may compute the
/// latency percentiles its own faster way. The admin's request report reads the hourly rollups
/// instead (<c>SqlAnalyticsStore.Rollups.cs</c>).
/// </summary>
internal abstract partial class SqlAnalyticsStore : IAnalyticsStore
{
    /// <summary>The top prompts shown; cost by prompt lists up to 100.</summary>
    private const int TopPromptCount = 10;

    public async Task<AnalyticsReport> ComputeAsync(AnalyticsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenConnectionAsync(cancellationToken);

        // One snapshot for every query of the report: the rollups and the records they sum agree, and a
        // percentile's bucket still holds the rows the counts said when its value is read.
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken);
        var executions = await SectionAsync(connection, transaction, AnalyticsSource.Executions, query, cancellationToken);
        var requests = await SectionAsync(connection, transaction, AnalyticsSource.Requests, query, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AnalyticsReport(query.From, query.To, query.GroupBy, executions, requests);
    }

    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>A read-only transaction whose queries all see one state of the database, without blocking writers.</summary>
    protected abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The dialect's bucket of <c>latency_ms</c>, the same as its migration's trigger computes (see <see cref="AnalyticsSql.LatencyBucket"/>).</summary>
    protected abstract string LatencyBucketSql { get; }

    /// <summary>
    /// The nearest-rank p50, p95 and p99 latency of the <paramref name="count"/> rows the filter
    /// selects: the value at rank ⌈p·n⌉ in ascending order. Portable: one ordered row at an offset
    /// per percentile, so nothing proportional to the range is held in memory.
    /// </summary>
    protected virtual async Task<LatencySummary> LatencyPercentilesAsync(
        DbConnection connection, DbTransaction transaction, AnalyticsSource source, string where, DynamicParameters filter, long count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return new LatencySummary(null, null, null);
        }

        return new LatencySummary(
            await LatencyAtRankAsync(0.50),
            await LatencyAtRankAsync(0.95),
            await LatencyAtRankAsync(0.99));

        async Task<double?> LatencyAtRankAsync(double percentile)
        {
            var parameters = new DynamicParameters(filter);
            parameters.Add("Rank", (long)Math.Ceiling(percentile * count) - 1);
            return await connection.QuerySingleAsync<double>(new CommandDefinition(AnalyticsSql.LatencyAt(source, where), parameters, transaction, cancellationToken: cancellationToken));
        }
    }

    private async Task<AnalyticsSection> SectionAsync(DbConnection connection, DbTransaction transaction, AnalyticsSource source, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        if (source == AnalyticsSource.Requests && AnalyticsRollupRange.For(query) is { } range)
        {
            return await RolledUpRequestsAsync(connection, transaction, query, range, cancellationToken);
        }

        var (where, parameters) = AnalyticsSql.Filter(source, query);
        var isExecutions = source == AnalyticsSource.Executions;
        var summary = await connection.QuerySingleAsync<SummaryRow>(new CommandDefinition(AnalyticsSql.Summary(source, where), parameters, transaction, cancellationToken: cancellationToken));
        var byModel = await connection.QueryAsync<GroupRow>(new CommandDefinition(AnalyticsSql.ByModel(source, where), parameters, transaction, cancellationToken: cancellationToken));
        var byPrompt = isExecutions
            ? (await connection.QueryAsync<PromptRow>(new CommandDefinition(AnalyticsSql.ByPrompt(where), parameters, transaction, cancellationToken: cancellationToken))).Select(static p => p.ToUsage()).ToList()
            : null;

        var widthUs = (long)query.BucketWidth.TotalMicroseconds;
        var bucketParameters = new DynamicParameters(parameters);
        bucketParameters.Add("WidthUs", widthUs);
        var bucketRows = (await connection.QueryAsync<BucketRow>(new CommandDefinition(AnalyticsSql.Buckets(source, where), bucketParameters, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(static b => b.StartUs);

        var tools = isExecutions
            ? null
            : await connection.QuerySingleAsync<ToolTokenTotals>(new CommandDefinition(AnalyticsSql.ToolTotals(where), parameters, transaction, cancellationToken: cancellationToken));

        var latency = await LatencyPercentilesAsync(connection, transaction, source, where, parameters, summary.Total, cancellationToken);
        return Section(query, isExecutions, summary, byModel, byPrompt, bucketRows, tools, latency);
    }

    private static AnalyticsSection Section(
        AnalyticsQuery query, bool isExecutions, SummaryRow summary, IEnumerable<GroupRow> byModel, List<PromptUsage>? byPrompt,
        Dictionary<long, BucketRow> bucketRows, ToolTokenTotals? tools, LatencySummary latency)
    {
        var widthUs = (long)query.BucketWidth.TotalMicroseconds;
        var total = summary.Total;
        var tokens = summary.InputTokens + summary.OutputTokens;
        var cost = StorageValues.FromPicoDollars(summary.CostPusd);
        return new AnalyticsSection
        {
            Total = total,
            Succeeded = summary.Succeeded,
            Failed = total - summary.Succeeded,
            ValidationFailed = isExecutions ? summary.ValidationFailed : null,
            SuccessRate = Rate(summary.Succeeded, total),
            Cost = new CostSummary(
                cost,
                total == 0 ? null : cost / total,
                byModel.Select(static m => new ModelCost(m.Name, m.Total, StorageValues.FromPicoDollars(m.CostPusd))).ToList(),
                byPrompt?.OrderByDescending(static p => p.CostUsd).ToList()),
            Tokens = new TokenSummary(summary.InputTokens, summary.OutputTokens, tokens, total == 0 ? null : (double)tokens / total),
            LatencyMs = latency,
            CacheHitRate = Rate(summary.CacheHits, summary.CacheEligible),
            TopPrompts = byPrompt?.Take(TopPromptCount).ToList(),
            Tools = tools,
            Buckets = Buckets(query, widthUs, bucketRows),
        };
    }

    /// <summary>Every bucket of the range, empty ones as zeros, so a chart needs no gap filling.</summary>
    private static List<AnalyticsBucket> Buckets(AnalyticsQuery query, long widthUs, Dictionary<long, BucketRow> rows)
    {
        var buckets = new List<AnalyticsBucket>();
        var toUs = StorageValues.ToUnixMicroseconds(query.To);
        for (var start = StorageValues.ToUnixMicroseconds(query.From) / widthUs * widthUs; start < toUs; start += widthUs)
        {
            buckets.Add(rows.TryGetValue(start, out var row)
                ? new AnalyticsBucket(StorageValues.FromUnixMicroseconds(start), row.Total, row.Succeeded, row.Total - row.Succeeded, StorageValues.FromPicoDollars(row.CostPusd), row.Tokens, row.AverageLatencyMs)
                : new AnalyticsBucket(StorageValues.FromUnixMicroseconds(start), 0, 0, 0, 0m, 0, null));
        }

        return buckets;
    }

    private static double? Rate(long part, long whole) => whole == 0 ? null : (double)part / whole;

    private sealed class SummaryRow
    {
        public long Total { get; set; }
        public long Succeeded { get; set; }
        public long ValidationFailed { get; set; }
        public long CostPusd { get; set; }
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public long CacheEligible { get; set; }
        public long CacheHits { get; set; }
    }

    private sealed class GroupRow
    {
        public string? Name { get; set; }
        public long Total { get; set; }
        public long CostPusd { get; set; }
    }

    private sealed class PromptRow
    {
        public string? PromptId { get; set; }
        public string? PromptSlug { get; set; }
        public long Total { get; set; }
        public long Succeeded { get; set; }
        public long CostPusd { get; set; }

        public PromptUsage ToUsage() => new(PromptId, PromptSlug, Total, Succeeded, Rate(Succeeded, Total), StorageValues.FromPicoDollars(CostPusd));
    }

    private sealed class BucketRow
    {
        public long StartUs { get; set; }
        public long Total { get; set; }
        public long Succeeded { get; set; }
        public long CostPusd { get; set; }
        public long Tokens { get; set; }
        public double? AverageLatencyMs { get; set; }
    }
}
