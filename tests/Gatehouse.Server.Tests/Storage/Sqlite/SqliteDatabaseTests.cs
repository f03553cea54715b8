using Dapper;
using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;
using Xunit;

namespace Gatehouse.Tests.Storage.Sqlite;

public sealed class SqliteDatabaseTests : IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Open_MissingDirectory_CreatesDirectoryAndFile()
    {
        Assert.True(Directory.Exists(_database.DirectoryPath));

        await using var connection = await _database.Database.OpenConnectionAsync(Ct);

        Assert.True(File.Exists(_database.Database.FilePath));
    }

    [Fact]
    public async Task Open_SetsWalAndConnectionPragmas()
    {
        await using var connection = await _database.Database.OpenConnectionAsync(Ct);

        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>(new CommandDefinition("PRAGMA journal_mode", cancellationToken: Ct)));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA synchronous", cancellationToken: Ct)));
        Assert.Equal(5000L, await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA busy_timeout", cancellationToken: Ct)));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA foreign_keys", cancellationToken: Ct)));
    }

    [Fact]
    public void ConnectionString_ReadWriteCreateWithPooling()
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(_database.Database.ConnectionString);

        Assert.Equal(Microsoft.Data.Sqlite.SqliteOpenMode.ReadWriteCreate, builder.Mode);
        Assert.True(builder.Pooling);
        Assert.Equal(_database.Database.FilePath, builder.DataSource);
    }

    [Fact]
    public async Task Migrate_CreatesIndexesForTimeOrderAndKeyFilter()
    {
        await _database.MigrateAsync();
        await using var connection = await _database.Database.OpenConnectionAsync(Ct);

        var indexes = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'request_records' AND sql IS NOT NULL",
            cancellationToken: Ct))).ToHashSet();

        Assert.Superset(
            new HashSet<string> { "ix_request_records_timestamp", "ix_request_records_key" },
            indexes);
    }

    [Fact]
    public async Task Query_ByKey_UsesIndex()
    {
        await _database.MigrateAsync();
        var (sql, parameters, _) = RequestRecordSql.BuildQuery(new global::Gatehouse.Records.RequestRecordQuery { KeyId = "k", Cursor = new RequestRecordCursor(1, Guid.NewGuid()).Encode() });
        await using var connection = await _database.Database.OpenConnectionAsync(Ct);

        var plan = string.Join('\n', (await connection.QueryAsync(new CommandDefinition("EXPLAIN QUERY PLAN " + sql, parameters, cancellationToken: Ct)))
            .Select(row => (string)((IDictionary<string, object>)row)["detail"]));

        Assert.Contains("ix_request_records_key", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
