using Gatehouse.Storage;
using Gatehouse.Storage.PostgreSql;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Gatehouse.Tests.Storage.PostgreSql;

/// <summary>
/// A fresh database (<c>gh_test_&lt;guid&gt;</c>) on the server <c>GATEHOUSE_TEST_POSTGRES</c> names,
/// dropped on dispose. Without that variable the test is skipped with a reason (eng/test.sh sets
/// it to a private server; developers point it at theirs). Only the database this instance created
/// is ever dropped.
/// </summary>
internal sealed class PostgreSqlTestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "GATEHOUSE_TEST_POSTGRES";

    private readonly string _serverConnectionString;
    private PostgreSqlDatabase? _database;

    private PostgreSqlTestDatabase(string serverConnectionString, string name, string connectionString)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>Connects to this test's own database.</summary>
    public string ConnectionString { get; }

    public PostgreSqlDatabase Database => _database ??= new PostgreSqlDatabase(ConnectionString);

    /// <summary>The server's connection string, or a skip when the variable is unset.</summary>
    public static string RequireServer()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.Skip($"{ServerVariable} is not set: no PostgreSQL server to test against (eng/test.sh starts one).");
        }

        return server;
    }

    /// <summary>Creates an empty database; <see cref="MigrateAsync"/> brings it to this build's schema.</summary>
    public static async Task<PostgreSqlTestDatabase> CreateAsync()
    {
        var server = RequireServer();
        var name = "gh_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var own = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        return new PostgreSqlTestDatabase(server, name, own);
    }

    public PostgreSqlMigrator CreateMigrator(IReadOnlyList<Migration>? migrations = null)
        => migrations is null
            ? new PostgreSqlMigrator(Database, new FakeTimeProvider())
            : new PostgreSqlMigrator(Database, new FakeTimeProvider(), migrations);

    public async Task<PostgreSqlDatabase> MigrateAsync()
    {
        await CreateMigrator().MigrateAsync(TestContext.Current.CancellationToken);
        return Database;
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        // WITH (FORCE) ends connections another pool of the test still holds (a host it started).
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
