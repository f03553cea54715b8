using System.Data.Common;
using Npgsql;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>The SQLSTATE codes the stores act on (PostgreSQL appendix A, class 23: integrity constraint violation).</summary>
internal static class PostgreSqlErrors
{
    public static bool IsUniqueViolation(DbException exception)
        => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public static bool IsForeignKeyViolation(DbException exception)
        => exception is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };
}
