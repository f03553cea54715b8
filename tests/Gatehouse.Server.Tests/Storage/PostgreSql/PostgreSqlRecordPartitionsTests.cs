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

    [Fact]
    public async Task EnsureAndDropBefore_KeepTheAnalyticsRollupsEqualToTheRecords()
    {
        // Nov 29 lands in the DEFAULT partition and moves into its own day when that is created; Nov 30 has a
        // partition from the start; Dec 2 is kept. Dropping before Dec 1 must take the first two days' rollup hours with them.
        var partitions = new PostgreSqlRecordPartitions(Db.Database);
        await partitions.EnsureAsync(new DateOnly(2026, 11, 30), 3, unlogged: false, Ct);
        var store = new PostgreSqlRequestRecordStore(Db.Database);
        var days = new[] { new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero), new(2026, 11, 30, 23, 59, 0, TimeSpan.Zero), new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero) };
        await store.InsertBatchAsync([.. days.SelectMany(day => Enumerable.Range(0, 3).Select(i => StorageTestData.Record(day.AddSeconds(i)) with { LatencyMs = 100 + i }))], Ct);
        await partitions.EnsureAsync(new DateOnly(2026, 11, 29), 0, unlogged: false, Ct);
        Assert.Equal((9L, 9L), await RollupCallsAsync());

        await partitions.DropBeforeAsync(new DateOnly(2026, 12, 1), Ct);

        Assert.Equal((3L, 3L), await RollupCallsAsync());
        await using var connection = await Db.Database.OpenConnectionAsync(Ct);
        Assert.Equal(3L, await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM request_records", cancellationToken: Ct)));
    }

    /// <summary>The calls the two analytics rollups count: by hour and model, and by hour and latency bucket.</summary>
    private async Task<(long Hours, long Latencies)> RollupCallsAsync()
    {
        await using var connection = await Db.Database.OpenConnectionAsync(Ct);
        return (
            await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(SUM(calls), 0) FROM request_record_hours", cancellationToken: Ct)),
            await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(SUM(calls), 0) FROM request_record_latency_hours", cancellationToken: Ct)));
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
