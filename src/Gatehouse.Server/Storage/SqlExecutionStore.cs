using System.Data.Common;
using Dapper;
using Gatehouse.Executions;

namespace Gatehouse.Storage;

/// <summary>Prompt executions in a SQL database, with <see cref="ExecutionSql"/>'s portable SQL; a back end supplies connections.</summary>
internal abstract class SqlExecutionStore : IExecutionStore
{
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    public async Task InsertAsync(Execution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ExecutionSql.Insert, ToRow(execution), cancellationToken: cancellationToken));
    }

    /// <summary>The row inserted for <paramref name="execution"/>; a back end adjusts what it cannot store.</summary>
    protected virtual ExecutionRow ToRow(Execution execution) => ExecutionRow.From(execution);

    public async Task<Execution?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ExecutionRow>(new CommandDefinition(
            ExecutionSql.SelectById, new { Id = StorageValues.ToText(id) }, cancellationToken: cancellationToken));
        return row?.ToExecution();
    }

    public async Task<ExecutionPage> QueryAsync(ExecutionQuery query, CancellationToken cancellationToken)
    {
        var (sql, parameters, limit) = ExecutionSql.BuildQuery(query);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ExecutionRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return ExecutionSql.ToPage(rows.AsList(), limit);
    }
}
