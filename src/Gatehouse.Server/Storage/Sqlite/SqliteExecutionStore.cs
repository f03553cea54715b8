using System.Data.Common;

namespace Gatehouse.Storage.Sqlite;

/// <summary>Prompt executions in SQLite; the SQL and logic are <see cref="SqlExecutionStore"/>'s.</summary>
internal sealed class SqliteExecutionStore(SqliteDatabase database) : SqlExecutionStore
{
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);
}
