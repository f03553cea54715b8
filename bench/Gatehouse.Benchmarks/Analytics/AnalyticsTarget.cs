using Gatehouse.Storage;

namespace Gatehouse.Benchmarks.Analytics;

/// <summary>One back end under measurement: its database, migrator and analytics store, and how to fill it fast.</summary>
internal abstract class AnalyticsTarget : IAsyncDisposable
{
    /// <summary>Rows per INSERT … SELECT (one transaction each), so progress shows and no single transaction grows huge.</summary>
    protected const long ChunkRows = 1_000_000;

    public abstract string Name { get; }

    public abstract IAnalyticsStore Store { get; }

    public static async Task<AnalyticsTarget> PostgreSqlAsync(string connectionString, CancellationToken ct) =>
        await PostgreSqlAnalyticsTarget.CreateAsync(connectionString, ct);

    public static Task<AnalyticsTarget> SqliteAsync(string file, CancellationToken ct) =>
        Task.FromResult<AnalyticsTarget>(new SqliteAnalyticsTarget(file));

    /// <summary>The product's own migrator, so the schema (and any index a migration adds) is the product's.</summary>
    public abstract Task MigrateAsync(CancellationToken ct);

    /// <summary>How many records an earlier fill wrote (a row in <c>settings</c>), null when none did.</summary>
    public abstract Task<long?> FilledRowsAsync(string setting, CancellationToken ct);

    public abstract Task FillAsync(long rows, string setting, CancellationToken ct);

    /// <summary>The plans of the request-record queries one report runs.</summary>
    public abstract Task ExplainAsync(AnalyticsScenario scenario, TextWriter output, CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    protected static void Progress(long done, long total) =>
        Console.WriteLine($"  {done:N0} / {total:N0} records ({DateTime.Now:HH:mm:ss})");
}
