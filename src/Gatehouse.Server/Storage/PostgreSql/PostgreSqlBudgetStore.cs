using System.Data.Common;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>Budgets and their spend per period in PostgreSQL; the SQL and logic are <see cref="SqlBudgetStore"/>'s.</summary>
internal sealed class PostgreSqlBudgetStore(PostgreSqlDatabase database) : SqlBudgetStore
{
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);

    protected override bool IsUniqueViolation(DbException exception) => PostgreSqlErrors.IsUniqueViolation(exception);
}
