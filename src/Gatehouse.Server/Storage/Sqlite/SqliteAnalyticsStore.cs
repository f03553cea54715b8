using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Storage.Sqlite;

/// <summary>Analytics over the SQLite tables; the SQL and logic are <see cref="SqlAnalyticsStore"/>'s.</summary>
internal sealed class SqliteAnalyticsStore(SqliteDatabase database) : SqlAnalyticsStore
{
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);

    /// <summary>A deferred transaction: a read snapshot (write-ahead log) that takes no write lock, so the record writer is not held up.</summary>
    protected override Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
        => Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    /// <summary>SQLite has no functions of its own: the arithmetic, as the 0009 migration's trigger writes it out.</summary>
    protected override string LatencyBucketSql { get; } = AnalyticsSql.LatencyBucket("latency_ms");
}
