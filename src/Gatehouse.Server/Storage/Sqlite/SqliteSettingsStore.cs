using System.Data.Common;

namespace Gatehouse.Storage.Sqlite;

/// <summary>Named settings in SQLite; the SQL and logic are <see cref="SqlSettingsStore"/>'s.</summary>
internal sealed class SqliteSettingsStore(SqliteDatabase database) : SqlSettingsStore
{
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);
}
