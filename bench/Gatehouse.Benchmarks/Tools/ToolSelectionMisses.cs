using Gatehouse.Tools;

namespace Gatehouse.Benchmarks.Tools;

/// <summary><c>--misses SOURCE</c>: prints cases of one source where a gold tool was dropped, with its rank (for error analysis of the ranker, not for tuning single cases).</summary>
internal static class ToolSelectionMisses
{
    public static void Print(ToolSelectionData data, string source, ToolSelectionSettings settings, int limit)
    {
        var shown = 0;
        foreach (var c in data.Cases.Where(c => c.Source == source && c.InTuningHalf))
        {
            var tools = c.Candidates.Select(n => data.Tools[n].Profile).ToList();
            var signals = c.Signals();
            var selection = ToolSelector.Select(tools, signals, settings);
            var missing = c.Gold.Where(g => !selection.Kept[tools.FindIndex(t => t.Name == g)]).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            var scores = new float[tools.Count];
            Bm25ToolRanker.Score(tools, signals.Query, settings.Ranking, scores);
            var order = Enumerable.Range(0, tools.Count).OrderByDescending(i => scores[i]).ToList();
            Console.WriteLine($"- {c.Id}: \"{c.Message[..Math.Min(160, c.Message.Length)]}\"");
            Console.WriteLine($"  query terms: {string.Join(' ', signals.Query.Weights.Keys.Take(25))}");
            foreach (var g in missing)
            {
                var i = tools.FindIndex(t => t.Name == g);
                Console.WriteLine($"  missed {g} rank {order.IndexOf(i) + 1} score {scores[i]:0.00} (best {scores[order[0]]:0.00}) terms: {string.Join(' ', tools[i].Terms.Keys.Take(20))}");
            }

            Console.WriteLine($"  top: {string.Join(", ", order.Take(6).Select(i => $"{tools[i].Name} {scores[i]:0.0}"))}");
            if (++shown >= limit)
            {
                break;
            }
        }
    }
}
