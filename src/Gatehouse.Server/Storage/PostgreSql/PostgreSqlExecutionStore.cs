using System.Data.Common;
using Gatehouse.Executions;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>Prompt executions in PostgreSQL; the SQL and logic are <see cref="SqlExecutionStore"/>'s.</summary>
internal sealed class PostgreSqlExecutionStore(PostgreSqlDatabase database) : SqlExecutionStore
{
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);

    /// <summary>A model's raw output and an upstream's error message are kept, with U+0000 as U+FFFD (<see cref="PostgreSqlText"/>).</summary>
    protected override ExecutionRow ToRow(Execution execution)
    {
        var row = base.ToRow(execution);
        row.RawOutput = PostgreSqlText.Storable(row.RawOutput);
        row.ErrorMessage = PostgreSqlText.Storable(row.ErrorMessage);
        return row;
    }
}
