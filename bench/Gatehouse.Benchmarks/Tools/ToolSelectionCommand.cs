using System.Globalization;
using Gatehouse.Tools;
using Gatehouse.Usage;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>
/// <c>dotnet run -c Release --project bench/Gatehouse.Benchmarks -- tool-selection [--data DIR] [--sweep]</c>:
/// runs the selector over the tool-selection data set in per-case and pooled mode and prints, per
/// source and overall, token reduction, all-gold recall, mean tools kept and selection time, beside
/// a plain BM25 top-k baseline. <c>--sweep</c> prints the parameter grid evaluated on the tuning half.
/// </summary>
internal static class ToolSelectionCommand
{
    private const string DefaultData = "../shared/data/tool-selection";

    public static int Run(string[] args)
    {
        var directory = ValueOf(args, "--data") ?? FindData();
        Console.WriteLine($"data: {Path.GetFullPath(directory)}");
        var data = ToolSelectionData.Load(directory);
        var irrelevant = ToolSelectionData.Load(directory, irrelevant: true);
        var searchTokens = SearchToolDefinition.Tokens(SearchToolDefinition.DefaultName, TiktokenTokenCounter.Instance);
        Console.WriteLine($"{data.Tools.Count} tools, {data.Cases.Count} cases, {irrelevant.Cases.Count} no-tool cases; search tool definition = {searchTokens} tokens (counted as sent whenever a call is filtered)");

        // Warm the JIT (all tiers) so the first cases' times are not compile times.
        for (var i = 0; i < (args.Contains("--misses") || args.Contains("--ranks") ? 0 : 3); i++)
        {
            ToolSelectionRun.Evaluate(data, data.Cases, ToolSelectionSettings.Default, pooled: false, searchTokens);
        }

        if (ValueOf(args, "--misses") is { } missesOf)
        {
            ToolSelectionMisses.Print(data, missesOf, ToolSelectionSettings.Default, 25);
            return 0;
        }

        if (args.Contains("--ranks"))
        {
            ToolSelectionRanks.Print(data, ToolSelectionSettings.Default);
            return 0;
        }

        if (args.Contains("--quick"))
        {
            Report("Gatehouse selector, per-case mode (all dev cases)", ToolSelectionRun.Evaluate(data, data.Cases, ToolSelectionSettings.Default, pooled: false, searchTokens));
            return 0;
        }

        if (args.Contains("--sweep"))
        {
            Sweep(data, searchTokens);
            return 0;
        }

        var selector = ToolSelectionSettings.Default;
        Report("Gatehouse selector, per-case mode (all dev cases)", ToolSelectionRun.Evaluate(data, data.Cases, selector, pooled: false, searchTokens));
        Halves("Gatehouse selector, per-case mode, by split half", data, selector, searchTokens);
        var (k, baseline) = BaselineAtReduction(data, 0.87, searchTokens);
        Report($"Baseline: plain BM25 (one field, no weights), fixed top-{k}, per-case mode", ToolSelectionRun.Evaluate(data, data.Cases, baseline, pooled: false, searchTokens));
        Report("Gatehouse selector, no-tool cases (queries-dev-irrelevant): what is sent when nothing is relevant", ToolSelectionRun.Evaluate(irrelevant, irrelevant.Cases, selector, pooled: false, searchTokens));
        Report("Gatehouse selector, pooled mode (each case against every tool of its source family; variant group counts)", ToolSelectionRun.Evaluate(data, data.Cases, selector, pooled: true, searchTokens));
        Report($"Baseline top-{k}, pooled mode", ToolSelectionRun.Evaluate(data, data.Cases, baseline, pooled: true, searchTokens));
        return 0;
    }

    /// <summary>Plain BM25: every field weighs the same with the same length normalisation, and a fixed k.</summary>
    public static ToolSelectionSettings Baseline(int k) => new()
    {
        MinTools = k,
        MaxTools = k,
        RelativeCutoff = 0,
        Ranking = new ToolRanking
        {
            NameWeight = 1,
            DescriptionWeight = 1,
            ParameterNameWeight = 1,
            ParameterDescriptionWeight = 1,
            NameLengthNormalization = 0.75f,
            DescriptionLengthNormalization = 0.75f,
            ParameterLengthNormalization = 0.75f,
        },
    };

    private static (int K, ToolSelectionSettings Settings) BaselineAtReduction(ToolSelectionData data, double reduction, int searchTokens)
    {
        for (var k = 40; k >= 1; k--)
        {
            var settings = Baseline(k);
            if (ToolSelectionRun.Evaluate(data, data.Cases, settings, pooled: false, searchTokens)["overall"].Reduction >= reduction)
            {
                return (k, settings);
            }
        }

        return (1, Baseline(1));
    }

    private static void Halves(string title, ToolSelectionData data, ToolSelectionSettings settings, int searchTokens)
    {
        Console.WriteLine();
        Console.WriteLine($"### {title}");
        Console.WriteLine();
        Console.WriteLine("| half | cases | token reduction | all-gold recall | mean kept |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, tuning) in new[] { ("tuning (hash even)", true), ("check (hash odd)", false) })
        {
            var t = ToolSelectionRun.Evaluate(data, data.Cases, settings, pooled: false, searchTokens, c => c.InTuningHalf == tuning)["overall"];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {t.Cases} | {t.Reduction:P1} | {t.Recall:P1} | {t.MeanKept:0.0} |"));
        }
    }

    private static void Sweep(ToolSelectionData data, int searchTokens)
    {
        Console.WriteLine("| min | max | cutoff | name w | pdesc w | reduction | recall (tuning half) |");
        foreach (var min in new[] { 3, 5, 7 })
        foreach (var max in new[] { 15, 20, 30 })
        foreach (var cutoff in new[] { 0.2f, 0.3f, 0.4f, 0.5f })
        foreach (var nameWeight in new[] { 2f, 3f })
        foreach (var pdesc in new[] { 0.4f, 0.8f })
        {
            var settings = ToolSelectionSettings.Default with
            {
                MinTools = min,
                MaxTools = max,
                RelativeCutoff = cutoff,
                Ranking = ToolRanking.Default with { NameWeight = nameWeight, ParameterDescriptionWeight = pdesc },
            };
            var t = ToolSelectionRun.Evaluate(data, data.Cases, settings, pooled: false, searchTokens, c => c.InTuningHalf)["overall"];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {min} | {max} | {cutoff} | {nameWeight} | {pdesc} | {t.Reduction:P2} | {t.Recall:P2} |"));
        }
    }

    private static void Report(string title, Dictionary<string, SourceTotals> totals)
    {
        Console.WriteLine();
        Console.WriteLine($"### {title}");
        Console.WriteLine();
        Console.WriteLine("| source | cases | mean offered | offered tokens | token reduction | all-gold recall | mean kept | mean µs | p99 µs |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (source, t) in totals.OrderBy(p => p.Key == "overall" ? "~" : p.Key, StringComparer.Ordinal))
        {
            var name = source == "overall" ? "**overall**" : source;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {t.Cases} | {t.MeanCandidates:0.0} | {t.Offered:N0} | {t.Reduction:P1} | {t.Recall:P1} | {t.MeanKept:0.0} | {t.MeanMicros:0.0} | {t.P99Micros:0.0} |"));
        }
    }

    private static string? ValueOf(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The data set next to the repository (../shared), found from the working directory upwards.</summary>
    private static string FindData()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, DefaultData);
            if (File.Exists(Path.Combine(candidate, "tools.jsonl")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No tool-selection data found at {DefaultData} from here upwards; pass --data DIR.");
    }
}
