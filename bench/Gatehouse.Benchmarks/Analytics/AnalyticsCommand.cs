using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Analytics;
using Gatehouse.Hosting;
using Gatehouse.Storage;

namespace Gatehouse.Benchmarks.Analytics;

/// <summary>
/// <c>dotnet run -c Release --project bench/Gatehouse.Benchmarks -- analytics (--postgres CONNECTION | --sqlite FILE) [--rows N] [--runs N] [--only TEXT] [--drop-caches] [--explain] [--out DIR]</c>:
/// migrates the database with the product's own migrator, fills it once with <see cref="AnalyticsData"/>
/// (skipped when a previous run filled it with the same row count), then times the product's
/// <see cref="IAnalyticsStore.ComputeAsync"/> for each <see cref="AnalyticsScenario.Typical"/> report:
/// the first call in this process (cold; with <c>--drop-caches</c> the OS page cache is dropped first)
/// and the median of <c>--runs</c> more (warm). Each report's SHA-256 (average latencies rounded, see <see cref="Comparable(AnalyticsReport)"/>) is printed (and the JSON written
/// to <c>--out</c>; <c>--only</c> keeps the reports whose name contains TEXT), so runs before and after a change, and the two back ends, can be compared exactly.
/// </summary>
internal static class AnalyticsCommand
{
    private const string FilledSetting = "bench.analytics.rows";

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = long.Parse(ValueOf(args, "--rows") ?? "10000000", CultureInfo.InvariantCulture);
        var runs = int.Parse(ValueOf(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        var output = ValueOf(args, "--out");
        var ct = CancellationToken.None;
        await using var target = ValueOf(args, "--postgres") is { } connectionString
            ? await AnalyticsTarget.PostgreSqlAsync(connectionString, ct)
            : ValueOf(args, "--sqlite") is { } file
                ? await AnalyticsTarget.SqliteAsync(file, ct)
                : throw new ArgumentException("Give --postgres CONNECTION or --sqlite FILE.");

        Console.WriteLine($"{target.Name}: {rows:N0} records over {AnalyticsData.Days} days ending {AnalyticsData.End:O}, {AnalyticsData.KeyCount:N0} keys");
        var stopwatch = Stopwatch.StartNew();
        await target.MigrateAsync(ct);
        Console.WriteLine($"migrate: {stopwatch.Elapsed.TotalSeconds:F1} s");

        var filled = await target.FilledRowsAsync(FilledSetting, ct);
        if (filled != rows)
        {
            if (filled is not null)
            {
                throw new InvalidOperationException($"The database holds {filled:N0} bench records, not {rows:N0}; use a fresh one.");
            }

            stopwatch.Restart();
            await target.FillAsync(rows, FilledSetting, ct);
            Console.WriteLine($"fill: {stopwatch.Elapsed.TotalSeconds:F1} s");
        }

        if (output is not null)
        {
            Directory.CreateDirectory(output);
        }

        Console.WriteLine();
        Console.WriteLine("| report | requests counted | cold ms | warm ms (median of " + runs + ") | report SHA-256 |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- |");
        var only = ValueOf(args, "--only");
        var scenarios = AnalyticsScenario.Typical.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var scenario in scenarios)
        {
            if (args.Contains("--drop-caches"))
            {
                await DropCachesAsync();
            }

            stopwatch.Restart();
            var report = await target.Store.ComputeAsync(scenario.Query, ct);
            var cold = stopwatch.Elapsed.TotalMilliseconds;
            var warm = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                stopwatch.Restart();
                await target.Store.ComputeAsync(scenario.Query, ct);
                warm.Add(stopwatch.Elapsed.TotalMilliseconds);
            }

            warm.Sort();
            var json = JsonSerializer.SerializeToUtf8Bytes(report, GatehouseApiJsonContext.Default.AnalyticsReport);
            var hash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(Comparable(report), GatehouseApiJsonContext.Default.AnalyticsReport)))[..16];
            if (output is not null)
            {
                await File.WriteAllBytesAsync(Path.Combine(output, Slug(scenario.Name) + ".json"), json, ct);
            }

            Console.WriteLine($"| {scenario.Name} | {report.Requests.Total:N0} | {cold:F0} | {(warm.Count == 0 ? cold : warm[warm.Count / 2]):F0} | {hash} |");
        }

        if (args.Contains("--explain"))
        {
            foreach (var scenario in scenarios)
            {
                await target.ExplainAsync(scenario, Console.Out, ct);
            }
        }

        return 0;
    }

    /// <summary>Empties the Linux page cache (root only), so a cold run reads from disk; PostgreSQL's own shared buffers stay.</summary>
    private static async Task DropCachesAsync()
    {
        using var sync = Process.Start("sync");
        if (sync is not null)
        {
            await sync.WaitForExitAsync();
        }

        await File.WriteAllTextAsync("/proc/sys/vm/drop_caches", "3");
    }

    /// <summary>
    /// The report with bucket average latencies rounded to 6 decimals: a sum of doubles depends on the
    /// order rows are added in (plan, back end), so its last bits differ where every other number is exact.
    /// </summary>
    private static AnalyticsReport Comparable(AnalyticsReport report) => report with
    {
        Executions = Comparable(report.Executions),
        Requests = Comparable(report.Requests),
    };

    private static AnalyticsSection Comparable(AnalyticsSection section) => section with
    {
        Buckets = [.. section.Buckets.Select(static b => b with { AverageLatencyMs = b.AverageLatencyMs is { } average ? Math.Round(average, 6) : null })],
    };

    private static string Slug(string name) =>
        new([.. name.Select(static c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);

    private static string? ValueOf(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
