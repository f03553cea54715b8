using Dapper;
using Gatehouse.Records;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Storage.Sqlite;

/// <summary>Request history in SQLite. Batches are written by one prepared statement in one transaction.</summary>
internal sealed partial class SqliteRequestRecordStore(SqliteDatabase database) : SqlRequestRecordStore
{
    protected override async Task<System.Data.Common.DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);

    public override async Task InsertBatchAsync(IReadOnlyList<RequestRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // BEGIN IMMEDIATE: concurrent writers queue on busy_timeout instead of failing on a lock upgrade.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using var insert = new InsertCommand(connection, transaction);
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            await insert.ExecuteAsync(record, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// With <c>synchronous=NORMAL</c> a commit reaches the write-ahead log but is synced only at a
    /// checkpoint; a FULL checkpoint syncs the log and copies it into the database file. It waits
    /// (busy timeout) for other writers and reports busy if it could not finish.
    /// </summary>
    public override async Task<bool> MakeDurableAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(FULL);";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && reader.GetInt64(0) == 0;
    }
}
