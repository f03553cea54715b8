using System.Data.Common;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>Prompts and their versions in PostgreSQL; the SQL and logic are <see cref="SqlPromptStore"/>'s.</summary>
internal sealed class PostgreSqlPromptStore(PostgreSqlDatabase database) : SqlPromptStore
{
    // Dapper binds a string[] as one PostgreSQL text[] parameter on Npgsql instead of expanding IN @Ids.
    protected override string MatchIds => "= ANY(@Ids)";

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);

    protected override bool IsUniqueViolation(DbException exception) => PostgreSqlErrors.IsUniqueViolation(exception);

    protected override bool IsForeignKeyViolation(DbException exception) => PostgreSqlErrors.IsForeignKeyViolation(exception);
}
