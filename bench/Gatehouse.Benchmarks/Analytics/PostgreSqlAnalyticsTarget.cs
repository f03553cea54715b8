using Dapper;
using Gatehouse.Analytics;
using Gatehouse.Storage;
using Gatehouse.Storage.PostgreSql;
using Npgsql;

namespace Gatehouse.Benchmarks.Analytics;

/// <summary>PostgreSQL: the product's migrator and day partitions, then one generate_series INSERT per chunk and a VACUUM ANALYZE.</summary>
internal sealed class PostgreSqlAnalyticsTarget : AnalyticsTarget
{
    private readonly PostgreSqlDatabase _database;

    private PostgreSqlAnalyticsTarget(PostgreSqlDatabase database)
    {
        _database = database;
        Store = new PostgreSqlAnalyticsStore(database);
    }

    public override string Name => "PostgreSQL " + _database.DisplayName;

    public override IAnalyticsStore Store { get; }

    /// <summary>Creates the database named in the connection string when it does not exist (connecting to <c>postgres</c> to do so).</summary>
    public static async Task<AnalyticsTarget> CreateAsync(string connectionString, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 };
        var name = builder.Database ?? throw new ArgumentException("The connection string must name a database.");
        var admin = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = "postgres" };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync(ct);
            if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @Name)", new { Name = name }))
            {
                await connection.ExecuteAsync($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
            }
        }

        return new PostgreSqlAnalyticsTarget(new PostgreSqlDatabase(builder.ConnectionString));
    }

    public override Task MigrateAsync(CancellationToken ct) => new PostgreSqlMigrator(_database, TimeProvider.System).MigrateAsync(ct);

    public override async Task<long?> FilledRowsAsync(string setting, CancellationToken ct)
    {
        await using var connection = await _database.OpenConnectionAsync(ct);
        var value = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT value FROM settings WHERE name = @Name", new { Name = setting }, cancellationToken: ct));
        return value is null ? null : long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task FillAsync(long rows, string setting, CancellationToken ct)
    {
        var firstDay = DateOnly.FromDateTime(AnalyticsData.Start.UtcDateTime);
        await new PostgreSqlRecordPartitions(_database).EnsureAsync(firstDay, AnalyticsData.Days, unlogged: false, ct);
        await using var connection = await _database.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(AnalyticsData.InsertKeys(postgres: true), cancellationToken: ct));
        for (var first = 0L; first < rows; first += ChunkRows)
        {
            var last = Math.Min(first + ChunkRows, rows) - 1;
            await connection.ExecuteAsync(new CommandDefinition(AnalyticsData.InsertRecords(postgres: true, first, last, rows), commandTimeout: 0, cancellationToken: ct));
            Progress(last + 1, rows);
        }

        // What autovacuum would have done by the time anyone looks: statistics and the visibility map (index-only scans).
        foreach (var table in new[] { "request_records", "virtual_keys" })
        {
            await connection.ExecuteAsync(new CommandDefinition($"VACUUM (ANALYZE) {table}", commandTimeout: 0, cancellationToken: ct));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO settings (name, value) VALUES (@Name, @Value)", new { Name = setting, Value = rows.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: ct));
    }

    public override async Task ExplainAsync(AnalyticsScenario scenario, TextWriter output, CancellationToken ct)
    {
        await using var connection = await _database.OpenConnectionAsync(ct);
        foreach (var (name, sql, parameters) in AnalyticsStatements.Requests(scenario.Query, LatencyBucket))
        {
            await output.WriteLineAsync($"\n### {scenario.Name}: {name}\n```");
            foreach (var line in await connection.QueryAsync<string>(new CommandDefinition("EXPLAIN (ANALYZE, BUFFERS) " + sql, parameters, commandTimeout: 0, cancellationToken: ct)))
            {
                await output.WriteLineAsync(line);
            }

            await output.WriteLineAsync("```");
        }
    }

    /// <summary>The 0002 migration's function, as PostgreSqlAnalyticsStore uses it.</summary>
    private const string LatencyBucket = "request_latency_bucket(latency_ms)";

    public override ValueTask DisposeAsync() => _database.DisposeAsync();
}
