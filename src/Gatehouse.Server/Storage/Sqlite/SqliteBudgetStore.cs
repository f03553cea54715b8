using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Storage.Sqlite;

/// <summary>Budgets and their spend per period in SQLite; the SQL and logic are <see cref="SqlBudgetStore"/>'s.</summary>
internal sealed class SqliteBudgetStore(SqliteDatabase database) : SqlBudgetStore
{
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);

    protected override bool IsUniqueViolation(DbException exception)
        => exception is SqliteException { SqliteExtendedErrorCode: SqliteConstraintPrimaryKey or SqliteConstraintUnique };
}
