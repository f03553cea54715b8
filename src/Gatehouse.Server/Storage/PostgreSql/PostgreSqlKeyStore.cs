using System.Data.Common;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>Virtual keys in PostgreSQL; the SQL and logic are <see cref="SqlKeyStore"/>'s.</summary>
internal sealed class PostgreSqlKeyStore(PostgreSqlDatabase database) : SqlKeyStore
{
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);

    protected override bool IsUniqueViolation(DbException exception) => PostgreSqlErrors.IsUniqueViolation(exception);
}
