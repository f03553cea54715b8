using System.Globalization;
using Gatehouse.Tools;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>
/// <c>--ranks</c>: on the tuning half, per source, the share of cases whose every gold tool (not kept
/// by rule) is within the top k of the ranking: the ceiling any cut can reach with that many tools.
/// </summary>
internal static class ToolSelectionRanks
{
    private static readonly int[] Ks = [1, 2, 3, 5, 8, 10, 15, 20, 30];

    public static void Print(ToolSelectionData data, ToolSelectionSettings settings, ToolSelectionEmbeddings? embeddings = null)
    {
        Console.WriteLine($"| source | cases | {string.Join(" | ", Ks.Select(k => $"top-{k}"))} |");
        foreach (var group in data.Cases.Where(c => c.InTuningHalf && c.Candidates.Length > 3).GroupBy(c => c.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var within = new int[Ks.Length];
            var cases = 0;
            foreach (var c in group)
            {
                var catalogTools = c.Candidates.Select(n => data.Tools[n]).ToList();
                var tools = catalogTools.Select(t => t.Profile).ToList();
                var signals = c.Signals();
                var scores = new float[tools.Count];
                ToolSelector.Rank(tools, signals, settings, scores, embeddings?.Similarity(signals, catalogTools));
                var order = Enumerable.Range(0, tools.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToList();
                var worst = c.Gold.Where(g => !signals.UsedTools.Contains(g)).Select(g => order.IndexOf(tools.FindIndex(t => t.Name == g)) + 1).DefaultIfEmpty(0).Max();
                cases++;
                for (var k = 0; k < Ks.Length; k++)
                {
                    within[k] += worst <= Ks[k] ? 1 : 0;
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {group.Key} | {cases} | {string.Join(" | ", within.Select(w => $"{100.0 * w / cases:0.0}"))} |"));
        }
    }
}
