using Dapper;

namespace Gatehouse.Storage;

/// <summary>Named settings in SQLite. A value, once stored, is never replaced by <see cref="GetOrAddAsync"/>.</summary>
internal sealed class SqliteSettingsStore(SqliteDatabase database) : ISettingsStore
{
    private const string GetSql = "SELECT value FROM settings WHERE name = @Name";

    private const string InsertIfMissingSql = "INSERT INTO settings (name, value) VALUES (@Name, @Value) ON CONFLICT (name) DO NOTHING";

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(
            new CommandDefinition(GetSql, new { Name = name }, cancellationToken: cancellationToken));
    }

    public async Task<string> GetOrAddAsync(string name, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // Rows are never updated or deleted, so whichever insert won is what every caller reads back.
        await connection.ExecuteAsync(
            new CommandDefinition(InsertIfMissingSql, new { Name = name, Value = value }, cancellationToken: cancellationToken));
        return await connection.QuerySingleAsync<string>(
            new CommandDefinition(GetSql, new { Name = name }, cancellationToken: cancellationToken));
    }
}
