using System.Data.Common;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>Named settings in PostgreSQL; the SQL and logic are <see cref="SqlSettingsStore"/>'s.</summary>
internal sealed class PostgreSqlSettingsStore(PostgreSqlDatabase database) : SqlSettingsStore
{
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await database.OpenConnectionAsync(cancellationToken);
}
