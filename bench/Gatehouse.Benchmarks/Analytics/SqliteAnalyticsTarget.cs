using System.Globalization;
using Dapper;
using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Benchmarks.Analytics;

/// <summary>SQLite: the product's migrator, then one recursive-CTE INSERT per chunk on a connection with a large cache.</summary>
internal sealed class SqliteAnalyticsTarget(string file) : AnalyticsTarget
{
    private readonly SqliteDatabase _database = new(file);

    public override string Name => "SQLite " + _database.FilePath;

    public override IAnalyticsStore Store => field ??= new SqliteAnalyticsStore(_database);

    public override Task MigrateAsync(CancellationToken ct) => new SqliteMigrator(_database, TimeProvider.System).MigrateAsync(ct);

    public override async Task<long?> FilledRowsAsync(string setting, CancellationToken ct)
    {
        await using var connection = await _database.OpenConnectionAsync(ct);
        var value = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT value FROM settings WHERE name = @Name", new { Name = setting }, cancellationToken: ct));
        return value is null ? null : long.Parse(value, CultureInfo.InvariantCulture);
    }

    public override async Task FillAsync(long rows, string setting, CancellationToken ct)
    {
        await using var connection = await _database.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA cache_size = -1000000; PRAGMA synchronous = OFF", cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(AnalyticsData.InsertKeys(postgres: false), cancellationToken: ct));
        for (var first = 0L; first < rows; first += ChunkRows)
        {
            var last = Math.Min(first + ChunkRows, rows) - 1;
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(AnalyticsData.InsertRecords(postgres: false, first, last, rows), transaction: transaction, commandTimeout: 0, cancellationToken: ct));
            await transaction.CommitAsync(ct);
            Progress(last + 1, rows);
        }

        await connection.ExecuteAsync(new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA cache_size = -2000; PRAGMA synchronous = NORMAL", cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO settings (name, value) VALUES (@Name, @Value)", new { Name = setting, Value = rows.ToString(CultureInfo.InvariantCulture) }, cancellationToken: ct));
    }

    public override async Task ExplainAsync(AnalyticsScenario scenario, TextWriter output, CancellationToken ct)
    {
        await using var connection = await _database.OpenConnectionAsync(ct);
        foreach (var (name, sql, parameters) in AnalyticsStatements.Requests(scenario.Query, LatencyBucket))
        {
            await output.WriteLineAsync($"\n### {scenario.Name}: {name}\n```");
            foreach (var row in await connection.QueryAsync(new CommandDefinition("EXPLAIN QUERY PLAN " + sql, parameters, cancellationToken: ct)))
            {
                var fields = (IDictionary<string, object>)row;
                await output.WriteLineAsync($"{fields["id"]} {fields["parent"]} {fields["detail"]}");
            }

            await output.WriteLineAsync("```");
        }
    }

    private static readonly string LatencyBucket = AnalyticsSql.LatencyBucket("latency_ms");

    public override ValueTask DisposeAsync()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
