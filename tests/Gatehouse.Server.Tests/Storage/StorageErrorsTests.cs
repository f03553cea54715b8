using Gatehouse.Storage;
using Gatehouse.Tests.Storage.PostgreSql;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace Gatehouse.Tests.Storage;

/// <summary>
/// A database that cannot answer (a 503 the caller may retry) told from one that answered with an
/// error (a bug, a 500), on the real drivers' real exceptions.
/// </summary>
public sealed class StorageErrorsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APostgreSqlServerNobodyListensFor_IsUnavailable()
    {
        await using var connection = new NpgsqlConnection("Host=127.0.0.1;Port=1;Username=u;Password=p;Timeout=2");
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync(Ct));

        Assert.True(StorageErrors.IsUnavailable(refused), refused.ToString());
    }

    [Fact]
    public async Task AStatementPostgreSqlRefuses_IsABug_NotUnavailability()
    {
        var server = PostgreSqlTestDatabase.RequireServer();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT * FROM no_such_table", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync(Ct));

        Assert.False(StorageErrors.IsUnavailable(refused));
    }

    [Fact]
    public async Task ASqliteFileThatCannotBeOpened_IsUnavailable_AMissingTableIsNot()
    {
        var directory = Support.TempDirectory.Create();
        await using (var missingDirectory = new SqliteConnection($"Data Source={Path.Combine(directory, "absent", "x.db")};Mode=ReadWrite"))
        {
            var cannotOpen = await Assert.ThrowsAsync<SqliteException>(() => missingDirectory.OpenAsync(Ct));
            Assert.True(StorageErrors.IsUnavailable(cannotOpen), cannotOpen.ToString());
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "x.db")}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM no_such_table";
        var refused = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteScalarAsync(Ct));
        Assert.False(StorageErrors.IsUnavailable(refused));
    }
}
