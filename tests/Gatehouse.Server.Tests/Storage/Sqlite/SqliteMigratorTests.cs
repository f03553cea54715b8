using Dapper;
using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;
using Xunit;

namespace Gatehouse.Tests.Storage.Sqlite;

public sealed class SqliteMigratorTests : DatabaseMigratorContract, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected override IDatabaseMigrator CreateMigrator(IReadOnlyList<Migration>? migrations = null)
        => _database.CreateMigrator(migrations);

    private protected override MigrationCatalog Catalog => MigrationCatalog.Sqlite;

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = await _database.Database.OpenConnectionAsync(Ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: Ct));
    }

    protected override async Task<IReadOnlyList<(long Version, string Name)>> ReadHistoryAsync()
    {
        await using var connection = await _database.Database.OpenConnectionAsync(Ct);
        var rows = await connection.QueryAsync<(long, string)>(
            new CommandDefinition("SELECT version, name FROM schema_migrations ORDER BY version", cancellationToken: Ct));
        return rows.ToList();
    }

    protected override async Task<bool> TableExistsAsync(string table)
    {
        await using var connection = await _database.Database.OpenConnectionAsync(Ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table", new { table }, cancellationToken: Ct)) > 0;
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
