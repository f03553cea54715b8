using Dapper;
using Gatehouse.Storage.PostgreSql;
using Xunit;

namespace Gatehouse.Tests.Storage.PostgreSql;

public sealed class PostgreSqlRecordPartitionsTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgreSqlTestDatabase? _database;

    private PostgreSqlTestDatabase Db => _database ?? throw new InvalidOperationException("Not initialised.");

    public async ValueTask InitializeAsync()
    {
        _database = await PostgreSqlTestDatabase.CreateAsync();
        await _database.MigrateAsync();
    }

    [Fact]
    public async Task Ensure_CreatesTodayAndTheDaysAhead_OnceEvenWhenRunTwice()
    {
        var partitions = new PostgreSqlRecordPartitions(Db.Database);
        var today = new DateOnly(2026, 12, 3);

        Assert.Equal(4, await partitions.EnsureAsync(today, 3, unlogged: false, Ct));
        Assert.Equal(0, await partitions.EnsureAsync(today, 3, unlogged: false, Ct));

        Assert.Equal(
            ["request_records_p20261203", "request_records_p20261204", "request_records_p20261205", "request_records_p20261206"],
            (await partitions.ListAsync(Ct)).Select(p => p.Name));
    }

    [Fact]
    public async Task Ensure_Unlogged_CreatesUnloggedPartitions()
    {
        await new PostgreSqlRecordPartitions(Db.Database).EnsureAsync(new DateOnly(2026, 12, 3), 1, unlogged: true, Ct);

        await using var connection = await Db.Database.OpenConnectionAsync(Ct);
        var persistence = await connection.ExecuteScalarAsync<char>(new CommandDefinition(
            "SELECT relpersistence FROM pg_class WHERE relname = 'request_records_p20261203'", cancellationToken: Ct));
        Assert.Equal('u', persistence);
    }

    [Fact]
    public async Task Ensure_RowsAlreadyInTheDefaultPartition_AreMovedIntoTheNewDay()
    {
        await using var connection = await Db.Database.OpenConnectionAsync(Ct);
        var noon = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO request_records (id, timestamp_us, endpoint, status_code, latency_ms) VALUES ('a', @Ts, 'chat', 200, 1)",
            new { Ts = noon }, cancellationToken: Ct));

        await new PostgreSqlRecordPartitions(Db.Database).EnsureAsync(new DateOnly(2026, 12, 3), 0, unlogged: false, Ct);

        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM request_records_p20261203", cancellationToken: Ct)));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM request_records_default", cancellationToken: Ct)));
    }

    [Fact]
    public async Task DropBefore_DropsOnlyDaysBeforeTheFirstKeptDay()
    {
        var partitions = new PostgreSqlRecordPartitions(Db.Database);
        await partitions.EnsureAsync(new DateOnly(2026, 11, 30), 4, unlogged: false, Ct);

        var dropped = await partitions.DropBeforeAsync(new DateOnly(2026, 12, 2), Ct);

        Assert.Equal(["request_records_p20261130", "request_records_p20261201"], dropped);
        Assert.Equal(new DateOnly(2026, 12, 2), (await partitions.ListAsync(Ct))[0].Day);
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
