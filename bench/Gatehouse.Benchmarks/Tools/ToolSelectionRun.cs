using System.Diagnostics;
using Gatehouse.Tools;
using Gatehouse.Usage;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>Runs one selector configuration over the cases and adds up what it kept, missed and saved.</summary>
internal static class ToolSelectionRun
{
    public static Dictionary<string, SourceTotals> Evaluate(
        ToolSelectionData data, IEnumerable<SelectionCase> cases, ToolSelectionSettings settings, bool pooled, int searchToolTokens, Func<SelectionCase, bool>? filter = null, ToolSelectionEmbeddings? embeddings = null)
    {
        var totals = new Dictionary<string, SourceTotals>(StringComparer.Ordinal);
        var pools = pooled ? data.Tools.Values.GroupBy(t => t.Source).ToDictionary(g => g.Key, g => g.ToList()) : null;
        var groupOf = data.Tools.Values.ToDictionary(t => t.Name, t => t.Group);
        foreach (var selectionCase in cases)
        {
            if (filter is not null && !filter(selectionCase))
            {
                continue;
            }

            var family = selectionCase.Source[..selectionCase.Source.IndexOf('/')];
            var catalogTools = pooled ? pools![family] : selectionCase.Candidates.Select(n => data.Tools[n]).ToList();
            var tools = catalogTools.Select(t => t.Profile).ToList();
            var signals = selectionCase.Signals();
            var similarity = embeddings?.Similarity(signals, catalogTools);
            var started = Stopwatch.GetTimestamp();
            var selection = ToolSelector.Select(tools, signals, settings, similarity, searchToolTokens);
            var elapsed = Stopwatch.GetElapsedTime(started);

            var offered = 0L;
            var sent = selection.KeepsAll ? 0L : searchToolTokens;
            var keptGroups = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < tools.Count; i++)
            {
                offered += tools[i].Tokens;
                if (selection.Kept[i])
                {
                    sent += tools[i].Tokens;
                    keptGroups.Add(groupOf[tools[i].Name]);
                }
            }

            // Pooled: a near-duplicate variant of the gold tool counts (README: same variant group).
            var allGold = pooled
                ? selectionCase.Gold.All(g => keptGroups.Contains(groupOf[g]))
                : selectionCase.Gold.All(g => Kept(tools, selection, g));
            foreach (var key in new[] { selectionCase.Source, "overall" })
            {
                if (!totals.TryGetValue(key, out var t))
                {
                    totals[key] = t = new SourceTotals();
                }

                t.Add(offered, sent, allGold, selection.KeptCount, tools.Count, elapsed.TotalMicroseconds);
            }
        }

        return totals;
    }

    private static bool Kept(List<ToolProfile> tools, ToolSelection selection, string name)
    {
        for (var i = 0; i < tools.Count; i++)
        {
            if (selection.Kept[i] && tools[i].Name == name)
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class SourceTotals
{
    private readonly List<double> _micros = [];

    public int Cases { get; private set; }

    public int AllGold { get; private set; }

    public long Offered { get; private set; }

    public long Sent { get; private set; }

    public long Kept { get; private set; }

    public long Candidates { get; private set; }

    public double Reduction => Offered == 0 ? 0 : 1 - ((double)Sent / Offered);

    public double Recall => Cases == 0 ? 0 : (double)AllGold / Cases;

    public double MeanKept => Cases == 0 ? 0 : (double)Kept / Cases;

    public double MeanCandidates => Cases == 0 ? 0 : (double)Candidates / Cases;

    public double MeanMicros => _micros.Count == 0 ? 0 : _micros.Average();

    public double P99Micros => _micros.Count == 0 ? 0 : _micros.Order().ElementAt((int)Math.Min(_micros.Count - 1, Math.Ceiling(_micros.Count * 0.99) - 1));

    public void Add(long offered, long sent, bool allGold, int kept, int candidates, double micros)
    {
        Cases++;
        AllGold += allGold ? 1 : 0;
        Offered += offered;
        Sent += sent;
        Kept += kept;
        Candidates += candidates;
        _micros.Add(micros);
    }
}
