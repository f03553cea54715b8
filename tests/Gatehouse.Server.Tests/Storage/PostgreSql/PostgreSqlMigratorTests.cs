using Dapper;
using Gatehouse.Storage;
using Gatehouse.Storage.PostgreSql;
using Xunit;

namespace Gatehouse.Tests.Storage.PostgreSql;

public sealed class PostgreSqlMigratorTests : DatabaseMigratorContract, IAsyncLifetime
{
    private PostgreSqlTestDatabase? _database;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgreSqlTestDatabase Db => _database ?? throw new InvalidOperationException("Not initialised.");

    public async ValueTask InitializeAsync() => _database = await PostgreSqlTestDatabase.CreateAsync();

    private protected override IDatabaseMigrator CreateMigrator(IReadOnlyList<Migration>? migrations = null)
        => Db.CreateMigrator(migrations);

    private protected override MigrationCatalog Catalog => MigrationCatalog.PostgreSql;

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = await Db.Database.OpenConnectionAsync(Ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: Ct));
    }

    protected override async Task<IReadOnlyList<(long Version, string Name)>> ReadHistoryAsync()
    {
        await using var connection = await Db.Database.OpenConnectionAsync(Ct);
        var rows = await connection.QueryAsync<(long, string)>(
            new CommandDefinition("SELECT version::bigint, name FROM schema_migrations ORDER BY version", cancellationToken: Ct));
        return rows.ToList();
    }

    protected override async Task<bool> TableExistsAsync(string table)
    {
        await using var connection = await Db.Database.OpenConnectionAsync(Ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass(@table) IS NOT NULL", new { table }, cancellationToken: Ct));
    }

    [Fact]
    public async Task Migrate_ThreeReplicasStartTogether_EachMigrationIsAppliedOnce()
    {
        // Three replicas = three data sources (three pools), as three processes would have.
        var replicas = Enumerable.Range(0, 3).Select(_ => new PostgreSqlDatabase(Db.ConnectionString)).ToList();
        try
        {
            var migration = new Migration(1, "counted", "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY); INSERT INTO t1 VALUES (1)");
            await Task.WhenAll(replicas.Select(r => Task.Run(
                () => new PostgreSqlMigrator(r, TimeProvider.System, [migration]).MigrateAsync(Ct), Ct)));

            Assert.Equal([(1L, "counted")], await ReadHistoryAsync());
            await using var connection = await Db.Database.OpenConnectionAsync(Ct);
            // Applied twice would have failed on CREATE TABLE; the row count proves the SQL ran exactly once.
            Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM t1", cancellationToken: Ct)));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Migrate_EmbeddedSchema_PartitionsRequestRecordsByTimestamp()
    {
        await CreateMigrator().MigrateAsync(Ct);

        await using var connection = await Db.Database.OpenConnectionAsync(Ct);
        var strategy = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT partstrat::text FROM pg_partitioned_table WHERE partrelid = 'request_records'::regclass", cancellationToken: Ct));
        Assert.Equal("r", strategy);
        Assert.True(await TableExistsAsync("request_records_default"));
    }

    [Fact]
    public async Task Migrate_ErrorMessages_NameTheDatabaseWithoutItsPassword()
    {
        await CreateMigrator().MigrateAsync(Ct);
        await ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'x')");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CreateMigrator().MigrateAsync(Ct));

        Assert.Contains(Db.Name, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;

    [Fact]
    public async Task Migrate_ServerUnreachable_NamesTheKeyWithoutThePassword()
    {
        await using var nowhere = new PostgreSqlDatabase("Host=127.0.0.1;Port=1;Database=x;Username=u;Password=hunter2;Timeout=2", "ConnectionStrings:Gatehouse");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new PostgreSqlMigrator(nowhere, TimeProvider.System).MigrateAsync(Ct));

        Assert.Contains("ConnectionStrings:Gatehouse", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
