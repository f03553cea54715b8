using Gatehouse.Configuration;
using Gatehouse.Tools;
using Gatehouse.Usage;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>
/// A SIMULATED <c>search_tools</c> round, per case: what the recovery loop can buy after the first
/// selection, and what it costs in tool tokens. No model is run, so its part is assumed (best case
/// for triggering, simplest stand-in for the query, see <see cref="Assumptions"/>); the gateway's part
/// is the gateway's own code: <see cref="ToolPrefilter.Widen"/> with the default
/// <c>Tools:Search</c> settings, and the second round's tool list built as
/// <c>ToolPrefilterStage.RunRoundsAsync</c> builds it.
/// </summary>
internal static partial class ToolSelectionSearchRound
{
    public static Dictionary<string, SearchRoundTotals> Evaluate(
        ToolSelectionData data, ToolSelectionSettings settings, bool embedded, int searchToolTokens, Func<SelectionCase, bool>? filter = null, ToolSelectionEmbeddings? embeddings = null)
    {
        var prefilter = Prefilter(settings, embedded, searchToolTokens);
        var compiled = prefilter.Current;
        var totals = new Dictionary<string, SearchRoundTotals>(StringComparer.Ordinal);
        foreach (var selectionCase in data.Cases)
        {
            if (filter is not null && !filter(selectionCase))
            {
                continue;
            }

            // The first selection exactly as ToolSelectionRun makes it (the command checks the totals agree).
            var catalogTools = selectionCase.Candidates.Select(n => data.Tools[n]).ToList();
            var profiles = catalogTools.Select(t => t.Profile).ToArray();
            var signals = selectionCase.Signals();
            var similarity = embeddings?.Similarity(signals, catalogTools);
            var selection = ToolSelector.Select(profiles, signals, settings, similarity, searchToolTokens);
            var request = new ToolRequest
            {
                // Widen reads only the profiles and their count; the byte ranges serve splicing a body, which is not done here.
                ToolsValue = default,
                Definitions = new Range[profiles.Length],
                Profiles = profiles,
                Signals = signals,
            };
            var offered = request.TokensOf(null);
            var firstSent = request.TokensOf(selection.Kept) + (selection.KeepsAll ? 0 : searchToolTokens);
            var firstAllGold = AllGold(selectionCase, profiles, selection.Kept);

            // The oracle trigger: the model searches exactly when a gold tool is missing. A filtered
            // call always offers the search function here (no case has a tool of that name, no tool_choice).
            var canSearch = compiled.Search.Enabled && !selection.KeepsAll && !profiles.Any(p => p.Name == compiled.Search.Name);
            (bool[] Sent, int Tools, int Tokens, bool EveryTool)? round = firstAllGold || !canSearch ? null : SecondRound(prefilter, request, selection.Kept, selectionCase.Message, catalogTools, embeddings);
            foreach (var key in new[] { selectionCase.Source, "overall" })
            {
                if (!totals.TryGetValue(key, out var t))
                {
                    totals[key] = t = new SearchRoundTotals();
                }

                t.Add(offered, firstSent, firstAllGold, round is { } r ? (r.Tools, r.Tokens, r.EveryTool, AllGold(selectionCase, profiles, r.Sent)) : null);
            }
        }

        return totals;
    }

    /// <summary>
    /// What <c>ToolPrefilterStage.RunRoundsAsync</c> sends after one search: the search text's
    /// similarity (when an embedding model is configured), <see cref="ToolPrefilter.Widen"/>, every
    /// tool if that was the last round allowed, and the search function again unless every tool goes.
    /// </summary>
    private static (bool[] Sent, int Tools, int Tokens, bool EveryTool) SecondRound(
        ToolPrefilter prefilter, ToolRequest request, bool[] kept, string query, List<CatalogTool> catalogTools, ToolSelectionEmbeddings? embeddings)
    {
        var compiled = prefilter.Current;
        var search = compiled.Search;
        var sent = (bool[])kept.Clone();

        // The gateway embeds the search text; the naive query is the last user message, already embedded at load.
        var similarity = compiled.EmbeddingModel is not null && !string.IsNullOrWhiteSpace(query)
            ? (embeddings ?? throw new InvalidOperationException("An embedding model is configured but no vectors were given.")).Similarity(query, catalogTools)
            : null;
        prefilter.Widen(request, sent, query, search.MaxResults, similarity);
        if (1 >= search.MaxRounds)
        {
            Array.Fill(sent, true);
        }

        var everyTool = Array.TrueForAll(sent, static s => s);
        var offerSearch = !everyTool && 1 < search.MaxRounds;
        return (sent, sent.Count(static s => s), request.TokensOf(sent) + (offerSearch ? compiled.SearchToolTokens : 0), everyTool);
    }

    /// <summary>
    /// The gateway's prefilter with the default <c>Gatehouse:Tools</c> options (plus an embedding model
    /// for the blended variant). It must rank as the benchmark's first selection does and count the
    /// search function the same: anything else would compare two different configurations.
    /// </summary>
    private static ToolPrefilter Prefilter(ToolSelectionSettings settings, bool embedded, int searchToolTokens)
    {
        var options = new GatehouseOptions();
        // The alias only turns blending on (and picks the default weight); the vectors are the benchmark's MiniLM ones.
        options.Tools.EmbeddingModel = embedded ? "local-minilm" : null;
        var prefilter = new ToolPrefilter(new FixedOptionsMonitor(options), TiktokenTokenCounter.Instance);
        var compiled = prefilter.Current;
        if (compiled.Settings with { Pinned = settings.Pinned, Categories = settings.Categories } != settings || compiled.SearchToolTokens != searchToolTokens)
        {
            throw new InvalidOperationException("The gateway's default tool settings differ from the ones the first selection was measured with.");
        }

        return prefilter;
    }

    /// <summary>Throws unless the first selection here adds up to what <see cref="ToolSelectionRun"/> reported: the round must start from the measured selection.</summary>
    public static void CheckFirstSelection(Dictionary<string, SearchRoundTotals> totals, Dictionary<string, SourceTotals> measured)
    {
        foreach (var (source, m) in measured)
        {
            var t = totals[source];
            if (t.Cases != m.Cases || t.Offered != m.Offered || t.FirstSent != m.Sent || t.FirstAllGold != m.AllGold)
            {
                throw new InvalidOperationException($"The search round's first selection differs from the measured one for {source}.");
            }
        }
    }

    private static bool AllGold(SelectionCase selectionCase, ToolProfile[] profiles, bool[] sent) =>
        selectionCase.Gold.All(g => Enumerable.Range(0, profiles.Length).Any(i => sent[i] && profiles[i].Name == g));
}

/// <summary>One source's (or all cases') first selection and simulated search round, added up.</summary>
internal sealed class SearchRoundTotals
{
    public int Cases { get; private set; }

    public int Searched { get; private set; }

    /// <summary>Searches that sent every tool (nothing matched, or the last round allowed).</summary>
    public int EveryTool { get; private set; }

    /// <summary>Searched cases whose every gold tool was sent in the second round.</summary>
    public int Recovered { get; private set; }

    /// <summary>Of <see cref="Recovered"/>, those whose second round sent every tool: recall bought with the whole list, not found by the search.</summary>
    public int RecoveredByEveryTool { get; private set; }

    public int FirstAllGold { get; private set; }

    public int FinalAllGold { get; private set; }

    public long Offered { get; private set; }

    public long FirstSent { get; private set; }

    public long SecondSent { get; private set; }

    public long SecondTools { get; private set; }

    public double FirstRecall => Cases == 0 ? 0 : (double)FirstAllGold / Cases;

    public double FinalRecall => Cases == 0 ? 0 : (double)FinalAllGold / Cases;

    public double FirstReduction => Offered == 0 ? 0 : 1 - ((double)FirstSent / Offered);

    public double BothReduction => Offered == 0 ? 0 : 1 - ((double)(FirstSent + SecondSent) / Offered);

    /// <summary>Tools (not counting the search function) in the second round, over the cases that searched.</summary>
    public double MeanSecondTools => Searched == 0 ? 0 : (double)SecondTools / Searched;

    public void Add(long offered, long firstSent, bool firstAllGold, (int Tools, int Tokens, bool EveryTool, bool AllGold)? second)
    {
        Cases++;
        Offered += offered;
        FirstSent += firstSent;
        FirstAllGold += firstAllGold ? 1 : 0;
        if (second is not { } s)
        {
            FinalAllGold += firstAllGold ? 1 : 0;
            return;
        }

        Searched++;
        EveryTool += s.EveryTool ? 1 : 0;
        SecondTools += s.Tools;
        SecondSent += s.Tokens;
        FinalAllGold += s.AllGold ? 1 : 0;
        Recovered += s.AllGold ? 1 : 0;
        RecoveredByEveryTool += s.AllGold && s.EveryTool ? 1 : 0;
    }
}
