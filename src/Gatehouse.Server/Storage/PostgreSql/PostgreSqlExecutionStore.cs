using System.Data.Common;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>Prompt executions in PostgreSQL; the SQL and logic are <see cref="SqlExecutionStore"/>'s.</summary>
internal sealed class PostgreSqlExecutionStore(PostgreSqlDatabase database) : SqlExecutionStore
{
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);
}
