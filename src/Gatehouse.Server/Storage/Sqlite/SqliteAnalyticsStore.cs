using System.Data.Common;

namespace Gatehouse.Storage.Sqlite;

/// <summary>Analytics over the SQLite tables; the SQL and logic are <see cref="SqlAnalyticsStore"/>'s.</summary>
internal sealed class SqliteAnalyticsStore(SqliteDatabase database) : SqlAnalyticsStore
{
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);
}
