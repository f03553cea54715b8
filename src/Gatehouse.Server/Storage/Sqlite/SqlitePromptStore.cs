using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Storage.Sqlite;

/// <summary>Prompts in SQLite; the SQL and logic are <see cref="SqlPromptStore"/>'s.</summary>
internal sealed class SqlitePromptStore(SqliteDatabase database) : SqlPromptStore
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    protected override string MatchIds => "IN @Ids";

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);

    protected override bool IsUniqueViolation(DbException exception)
        => exception is SqliteException { SqliteExtendedErrorCode: SqliteConstraintPrimaryKey or SqliteConstraintUnique };

    // SQLite reports a foreign key failure as plain SQLITE_CONSTRAINT, as it did before the split.
    protected override bool IsForeignKeyViolation(DbException exception)
        => exception is SqliteException { SqliteErrorCode: SqliteConstraint };
}
