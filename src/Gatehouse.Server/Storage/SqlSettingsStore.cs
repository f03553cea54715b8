using System.Data.Common;
using Dapper;

namespace Gatehouse.Storage;

/// <summary>
/// Named settings in a SQL database (the SQL runs unchanged on SQLite and PostgreSQL).
/// <see cref="GetOrAddAsync"/> never replaces a value; <see cref="SetAsync"/> does.
/// </summary>
internal abstract class SqlSettingsStore : ISettingsStore
{
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    private const string GetSql = "SELECT value FROM settings WHERE name = @Name";

    private const string InsertIfMissingSql = "INSERT INTO settings (name, value) VALUES (@Name, @Value) ON CONFLICT (name) DO NOTHING";

    private const string UpsertSql = "INSERT INTO settings (name, value) VALUES (@Name, @Value) ON CONFLICT (name) DO UPDATE SET value = excluded.value";

    private const string DeleteSql = "DELETE FROM settings WHERE name = @Name";

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(
            new CommandDefinition(GetSql, new { Name = name }, cancellationToken: cancellationToken));
    }

    public async Task<string> GetOrAddAsync(string name, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        // Settings read this way are never set again, so whichever insert won is what every caller reads back.
        await connection.ExecuteAsync(
            new CommandDefinition(InsertIfMissingSql, new { Name = name, Value = value }, cancellationToken: cancellationToken));
        return await connection.QuerySingleAsync<string>(
            new CommandDefinition(GetSql, new { Name = name }, cancellationToken: cancellationToken));
    }

    public async Task SetAsync(string name, string? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            value is null ? DeleteSql : UpsertSql, new { Name = name, Value = value }, cancellationToken: cancellationToken));
    }
}
