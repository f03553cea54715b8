using System.Data;
using System.Data.Common;
using Dapper;
using Gatehouse.Analytics;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>
/// Analytics over the PostgreSQL tables; the SQL and logic are <see cref="SqlAnalyticsStore"/>'s,
/// except the percentiles over the records, which PostgreSQL computes in one pass with <c>percentile_disc</c>.
/// </summary>
internal sealed class PostgreSqlAnalyticsStore(PostgreSqlDatabase database) : SqlAnalyticsStore
{
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);

    /// <summary>REPEATABLE READ: one snapshot for the whole report; readers never block writers.</summary>
    protected override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
        => await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>The function the 0002 migration created for the trigger.</summary>
    protected override string LatencyBucketSql => "request_latency_bucket(latency_ms)";

    /// <remarks>
    /// <c>percentile_disc(p)</c> is the first value whose cumulative share reaches p: the value at rank
    /// ⌈p·n⌉, the nearest rank the portable query takes, in one sort instead of three.
    /// </remarks>
    protected override async Task<LatencySummary> LatencyPercentilesAsync(
        DbConnection connection, DbTransaction transaction, AnalyticsSource source, string where, DynamicParameters filter, long count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return new LatencySummary(null, null, null);
        }

        var sql = $"""
            SELECT percentile_disc(0.50) WITHIN GROUP (ORDER BY latency_ms)::float8 AS P50,
                   percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms)::float8 AS P95,
                   percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms)::float8 AS P99
            FROM {source.Table}
            WHERE {where}
            """;
        var row = await connection.QuerySingleAsync<PercentileRow>(new CommandDefinition(sql, filter, transaction, cancellationToken: cancellationToken));
        return new LatencySummary(row.P50, row.P95, row.P99);
    }

    private sealed class PercentileRow
    {
        public double? P50 { get; set; }
        public double? P95 { get; set; }
        public double? P99 { get; set; }
    }
}
