using System.Globalization;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>The simulated round's tables, with the assumptions they rest on printed above them.</summary>
internal static partial class ToolSelectionSearchRound
{
    public const string Assumptions =
        """
        SIMULATED: no model is run. Assumed: (1) an oracle trigger: the model calls search_tools exactly when
        at least one gold tool is missing from the first selection (a real model may search needlessly or not
        at all; this is the best case for triggering); (2) a naive query: the search text is the case's last
        user message (a real model writes its own short description of the task; nothing was tuned on this);
        (3) one search round only (Gatehouse allows Search:MaxRounds = 2, the last with every tool). The
        gateway's part is its own code: ToolPrefilter.Widen with the default Search:MaxResults, then the second
        round's list as ToolPrefilterStage sends it: kept + added tools, plus the search function again unless
        every tool goes. Recall after the round: every gold tool in the first selection or among those added.
        Token reduction counts the first round's sent tool tokens (with the search function) on every case,
        plus the second round's on the searched ones. Mean tools in round 2 is over searched cases, search
        function not counted; "every tool" counts searches whose second round sent the whole list (Widen's
        fallback when the search text matches no unsent tool); "recovered" counts searches after which every
        gold tool was sent, and "by every tool" those of them that sent the whole list.
        """;

    public static void Print(string title, Dictionary<string, SearchRoundTotals> totals)
    {
        Console.WriteLine();
        Console.WriteLine($"### {title}");
        Console.WriteLine();
        Console.WriteLine("| source | cases | searched | all-gold recall, first selection | after one round | token reduction, first selection | both rounds | mean tools in round 2 | every tool | recovered | by every tool |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (source, t) in totals.OrderBy(p => p.Key == "overall" ? "~" : p.Key, StringComparer.Ordinal))
        {
            var name = source == "overall" ? "**overall**" : source;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {t.Cases} | {t.Searched} | {t.FirstRecall:P1} | {t.FinalRecall:P1} | {t.FirstReduction:P1} | {t.BothReduction:P1} | {t.MeanSecondTools:0.0} | {t.EveryTool} | {t.Recovered} | {t.RecoveredByEveryTool} |"));
        }
    }

    public static void PrintHalves(string title, Func<Func<SelectionCase, bool>, SearchRoundTotals> evaluate)
    {
        Console.WriteLine();
        Console.WriteLine($"### {title}");
        Console.WriteLine();
        Console.WriteLine("| half | cases | searched | all-gold recall, first selection | after one round | token reduction, first selection | both rounds | mean tools in round 2 |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, tuning) in new[] { ("tuning (hash even)", true), ("check (hash odd)", false) })
        {
            var t = evaluate(c => c.InTuningHalf == tuning);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {t.Cases} | {t.Searched} | {t.FirstRecall:P1} | {t.FinalRecall:P1} | {t.FirstReduction:P1} | {t.BothReduction:P1} | {t.MeanSecondTools:0.0} |"));
        }
    }
}
