using System.Globalization;
using Gatehouse.Tools;
using Gatehouse.Usage;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>
/// <c>dotnet run -c Release --project bench/Gatehouse.Benchmarks -- tool-selection [--data DIR] [--sweep|--embedding-sweep|--ranks|--misses SOURCE|--quick|--search-round]</c>:
/// runs the selector over the tool-selection data set in per-case and pooled mode, lexical alone and
/// blended with a real embedding model run in process, and prints, per source and overall, token
/// reduction, all-gold recall, mean tools kept and selection time, beside a plain BM25 top-k
/// baseline, then a simulated search round after the per-case selection
/// (<see cref="ToolSelectionSearchRound"/>; <c>--search-round</c> prints that part alone).
/// <c>--sweep</c> and <c>--embedding-sweep</c> print the grids evaluated on the tuning half.
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
            Console.WriteLine("lexical");
            ToolSelectionRanks.Print(data, ToolSelectionSettings.Default);
            Console.WriteLine($"with {ToolSelectionEmbeddings.Model} embeddings, weight {EmbeddingWeight}");
            ToolSelectionRanks.Print(data, ToolSelectionSettings.Default with { EmbeddingWeight = EmbeddingWeight }, Embeddings(data, irrelevant));

            return 0;
        }

        if (args.Contains("--quick"))
        {
            Report("Gatehouse selector, per-case mode (all dev cases)", ToolSelectionRun.Evaluate(data, data.Cases, ToolSelectionSettings.Default, pooled: false, searchTokens));
            return 0;
        }

        if (args.Contains("--embedding-sweep"))
        {
            EmbeddingSweep(data, searchTokens, Embeddings(data, irrelevant));
            return 0;
        }

        if (args.Contains("--sweep"))
        {
            Sweep(data, searchTokens);
            return 0;
        }

        var selector = ToolSelectionSettings.Default;
        var embedded = selector with { EmbeddingWeight = EmbeddingWeight };
        var embeddings = Embeddings(data, irrelevant);
        var model = ToolSelectionEmbeddings.Model;
        var lexicalFirst = ToolSelectionRun.Evaluate(data, data.Cases, selector, pooled: false, searchTokens);
        var embeddedFirst = ToolSelectionRun.Evaluate(data, data.Cases, embedded, pooled: false, searchTokens, embeddings: embeddings);
        if (args.Contains("--search-round"))
        {
            SearchRound(data, searchTokens, embeddings, lexicalFirst, embeddedFirst);
            return 0;
        }

        Report("Gatehouse selector, lexical, per-case mode (all dev cases)", lexicalFirst);
        Halves("Gatehouse selector, lexical, per-case mode, by split half", data, selector, searchTokens);
        Report($"Gatehouse selector with {model} embeddings, per-case mode (all dev cases)", embeddedFirst);
        Halves($"Gatehouse selector with {model} embeddings, per-case mode, by split half", data, embedded, searchTokens, embeddings);
        var (k, baseline) = BaselineAtReduction(data, 0.87, searchTokens);
        Report($"Baseline: plain BM25 (one field, no weights), fixed top-{k}, per-case mode", ToolSelectionRun.Evaluate(data, data.Cases, baseline, pooled: false, searchTokens));
        Report("Gatehouse selector, lexical, no-tool cases (queries-dev-irrelevant): what is sent when nothing is relevant", ToolSelectionRun.Evaluate(irrelevant, irrelevant.Cases, selector, pooled: false, searchTokens));
        Report("Gatehouse selector, lexical, pooled mode (each case against every tool of its source family; variant group counts)", ToolSelectionRun.Evaluate(data, data.Cases, selector, pooled: true, searchTokens));
        Report($"Gatehouse selector with {model} embeddings, pooled mode", ToolSelectionRun.Evaluate(data, data.Cases, embedded, pooled: true, searchTokens, embeddings: embeddings));
        Report($"Baseline top-{k}, pooled mode", ToolSelectionRun.Evaluate(data, data.Cases, baseline, pooled: true, searchTokens));
        SearchRound(data, searchTokens, embeddings, lexicalFirst, embeddedFirst);
        return 0;
    }

    /// <summary>The simulated search round after the per-case selections above, lexical and with embeddings, each checked to start from the selection measured.</summary>
    private static void SearchRound(ToolSelectionData data, int searchTokens, ToolSelectionEmbeddings embeddings, Dictionary<string, SourceTotals> lexicalFirst, Dictionary<string, SourceTotals> embeddedFirst)
    {
        var selector = ToolSelectionSettings.Default;
        var embedded = selector with { EmbeddingWeight = EmbeddingWeight };
        var model = ToolSelectionEmbeddings.Model;
        Console.WriteLine();
        Console.WriteLine("### One simulated search round, per-case mode (all dev cases)");
        Console.WriteLine();
        Console.WriteLine(ToolSelectionSearchRound.Assumptions);

        var lexical = ToolSelectionSearchRound.Evaluate(data, selector, embedded: false, searchTokens);
        ToolSelectionSearchRound.CheckFirstSelection(lexical, lexicalFirst);
        ToolSelectionSearchRound.Print("SIMULATED search round, lexical, per-case mode", lexical);
        ToolSelectionSearchRound.PrintHalves("SIMULATED search round, lexical, by split half",
            half => ToolSelectionSearchRound.Evaluate(data, selector, embedded: false, searchTokens, half)["overall"]);

        var blended = ToolSelectionSearchRound.Evaluate(data, embedded, embedded: true, searchTokens, embeddings: embeddings);
        ToolSelectionSearchRound.CheckFirstSelection(blended, embeddedFirst);
        ToolSelectionSearchRound.Print($"SIMULATED search round with {model} embeddings, per-case mode", blended);
        ToolSelectionSearchRound.PrintHalves($"SIMULATED search round with {model} embeddings, by split half",
            half => ToolSelectionSearchRound.Evaluate(data, embedded, embedded: true, searchTokens, half, embeddings)["overall"]);
    }

    /// <summary>Plain BM25: every field weighs the same with the same length normalisation, and a fixed k (every cut is made, however little it saves).</summary>
    public static ToolSelectionSettings Baseline(int k) => new()
    {
        MinTools = k,
        MaxTools = k,
        RelativeCutoff = 0,
        MinSavedTokens = 0,
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

    private static void Halves(string title, ToolSelectionData data, ToolSelectionSettings settings, int searchTokens, ToolSelectionEmbeddings? embeddings = null)
    {
        Console.WriteLine();
        Console.WriteLine($"### {title}");
        Console.WriteLine();
        Console.WriteLine("| half | cases | token reduction | all-gold recall | mean kept |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, tuning) in new[] { ("tuning (hash even)", true), ("check (hash odd)", false) })
        {
            var t = ToolSelectionRun.Evaluate(data, data.Cases, settings, pooled: false, searchTokens, c => c.InTuningHalf == tuning, embeddings)["overall"];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {t.Cases} | {t.Reduction:P1} | {t.Recall:P1} | {t.MeanKept:0.0} |"));
        }
    }

    /// <summary>The lexical grid, on the tuning half: the bounds, the cut and the least saving worth a cut (field weights and stemming were chosen by an earlier grid, docs/benchmarks.md).</summary>
    private static void Sweep(ToolSelectionData data, int searchTokens)
    {
        Console.WriteLine("| min | max | cutoff | min saved | reduction | recall (tuning half) |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var min in new[] { 3, 4, 5 })
        foreach (var max in new[] { 10, 12, 15, 20 })
        foreach (var cutoff in new[] { 0.4f, 0.5f, 0.6f })
        foreach (var saved in new[] { 0, 200, 500, 1000 })
        {
            var settings = ToolSelectionSettings.Default with { MinTools = min, MaxTools = max, RelativeCutoff = cutoff, MinSavedTokens = saved };
            var t = ToolSelectionRun.Evaluate(data, data.Cases, settings, pooled: false, searchTokens, c => c.InTuningHalf)["overall"];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {min} | {max} | {cutoff} | {saved} | {t.Reduction:P2} | {t.Recall:P2} |"));
        }
    }

    /// <summary>The embedding grid, on the tuning half, with the lexical settings fixed at their defaults: how much similarity weighs and where blended scores are cut.</summary>
    private static void EmbeddingSweep(ToolSelectionData data, int searchTokens, ToolSelectionEmbeddings embeddings)
    {
        Console.WriteLine("| embedding weight | embedding cutoff | reduction | recall (tuning half) |");
        Console.WriteLine("| ---: | ---: | ---: | ---: |");
        foreach (var weight in new[] { 0.7f, 0.8f, 0.85f, 0.9f, 0.95f })
        foreach (var cutoff in new[] { 0.45f, 0.5f, 0.55f, 0.6f })
        {
            var settings = ToolSelectionSettings.Default with { EmbeddingWeight = weight, EmbeddingCutoff = cutoff };
            var t = ToolSelectionRun.Evaluate(data, data.Cases, settings, pooled: false, searchTokens, c => c.InTuningHalf, embeddings)["overall"];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {weight} | {cutoff} | {t.Reduction:P2} | {t.Recall:P2} |"));
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

    /// <summary>The product default for <c>Tools:EmbeddingWeight</c>, which the selection settings leave at 0 (no model, no blend).</summary>
    private static float EmbeddingWeight => (float)new Gatehouse.Configuration.ToolOptions().EmbeddingWeight;

    private static ToolSelectionEmbeddings Embeddings(ToolSelectionData data, ToolSelectionData irrelevant) =>
        ToolSelectionEmbeddings.Load([data, irrelevant], ToolSelectionEmbeddings.CacheFile);

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
