using Dapper;
using Gatehouse.Records;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>
/// Request history in PostgreSQL, in the day-partitioned <c>request_records</c>. A batch is one
/// binary COPY into a transaction-local staging table and one <c>INSERT .. SELECT .. ON CONFLICT
/// DO NOTHING</c>: COPY is the fastest way in, and the INSERT keeps the write idempotent, since
/// the record journal replays batches after a crash. Reads share <see cref="RequestRecordSql"/> with SQLite.
/// </summary>
internal sealed partial class PostgreSqlRequestRecordStore(PostgreSqlDatabase database) : SqlRequestRecordStore
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

        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = CreateStagingSql;
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyAsync(connection, records, cancellationToken);

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = InsertFromStagingSql;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// A committed transaction is already in PostgreSQL's write-ahead log and flushed (synchronous
    /// commit), so there is nothing to wait for. With <c>UnloggedRecords</c> the partitions have no
    /// WAL and a server crash empties them whatever is done here: that is the documented trade-off
    /// of the option (docs/storage.md), not something a checkpoint could fix.
    /// </summary>
    public override Task<bool> MakeDurableAsync(CancellationToken cancellationToken) => Task.FromResult(true);
}
