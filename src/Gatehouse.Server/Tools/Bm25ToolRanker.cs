namespace Gatehouse.Tools;

/// <summary>
/// Scores a call's tools against its <see cref="ToolQuery"/> with BM25F: each query term's
/// occurrences are summed over the fields with the field's weight and length normalisation, then
/// saturated once (so a word in both name and description is not counted as two independent hits),
/// and weighted by its inverse document frequency among the tools of this call. The collection is
/// the call's own tool list, so a word every tool shares ("get", the app's name) ranks nothing.
/// Costs one dictionary look-up per query term and tool while that product is small (nothing is
/// allocated); beyond it, postings make the cost the size of the query plus the size of the tools.
/// </summary>
internal static class Bm25ToolRanker
{
    public static void Score(IReadOnlyList<ToolProfile> tools, ToolQuery query, ToolRanking ranking, Span<float> scores)
    {
        scores.Clear();
        var count = tools.Count;
        if (count == 0 || query.IsEmpty)
        {
            return;
        }

        Span<float> weight = stackalloc float[ToolProfile.FieldCount];
        Span<float> average = stackalloc float[ToolProfile.FieldCount];
        for (var f = 0; f < ToolProfile.FieldCount; f++)
        {
            weight[f] = ranking.WeightOf((ToolField)f);
        }

        foreach (var tool in tools)
        {
            for (var f = 0; f < ToolProfile.FieldCount; f++)
            {
                average[f] += tool.Lengths[f];
            }
        }

        for (var f = 0; f < ToolProfile.FieldCount; f++)
        {
            average[f] = Math.Max(1f, average[f] / count);
        }

        // Each tool's length discount per field, once (not once per query term).
        var norms = count * ToolProfile.FieldCount <= 4096 ? stackalloc float[count * ToolProfile.FieldCount] : new float[count * ToolProfile.FieldCount];
        for (var i = 0; i < count; i++)
        {
            for (var f = 0; f < ToolProfile.FieldCount; f++)
            {
                var b = ranking.LengthNormalizationOf((ToolField)f);
                norms[(i * ToolProfile.FieldCount) + f] = weight[f] / (1 - b + (b * tools[i].Lengths[f] / average[f]));
            }
        }

        var k1 = ranking.K1;
        if ((long)query.Weights.Count * count <= DirectLimit)
        {
            foreach (var (term, queryWeight) in query.Weights)
            {
                var documentFrequency = 0;
                foreach (var tool in tools)
                {
                    if (tool.Terms.ContainsKey(term))
                    {
                        documentFrequency++;
                    }
                }

                if (documentFrequency == 0)
                {
                    continue;
                }

                var idf = Idf(count, documentFrequency);
                for (var i = 0; i < count; i++)
                {
                    if (tools[i].Terms.TryGetValue(term, out var counts))
                    {
                        scores[i] += queryWeight * idf * Saturate(counts, norms, i, k1);
                    }
                }
            }

            return;
        }

        // A long conversation against many tools: each term's tools come from postings built in one
        // walk over the tools' own terms, so the work is the query plus the tools, not their product.
        // The sums still run in the query's order, so the scores are the same to the bit.
        var postings = Postings(tools, query);
        foreach (var (term, queryWeight) in query.Weights)
        {
            if (!postings.TryGetValue(term, out var holders))
            {
                continue;
            }

            var idf = Idf(count, holders.Count);
            foreach (var (i, counts) in holders)
            {
                scores[i] += queryWeight * idf * Saturate(counts, norms, i, k1);
            }
        }
    }

    /// <summary>Query terms times tools up to which the plain term-by-tool loop runs (no allocation).</summary>
    private const int DirectLimit = 64 * 1024;

    private static float Idf(int count, int documentFrequency) =>
        MathF.Log(1 + ((count - documentFrequency + 0.5f) / (documentFrequency + 0.5f)));

    private static float Saturate(FieldCounts counts, ReadOnlySpan<float> norms, int tool, float k1)
    {
        var tf = 0f;
        for (var f = 0; f < ToolProfile.FieldCount; f++)
        {
            tf += counts[f] * norms[(tool * ToolProfile.FieldCount) + f];
        }

        return tf * (k1 + 1) / (tf + k1);
    }

    /// <summary>For each query term some tool has: the tools that have it, in order, with their counts.</summary>
    private static Dictionary<string, List<(int Tool, FieldCounts Counts)>> Postings(IReadOnlyList<ToolProfile> tools, ToolQuery query)
    {
        var postings = new Dictionary<string, List<(int, FieldCounts)>>(StringComparer.Ordinal);
        for (var i = 0; i < tools.Count; i++)
        {
            foreach (var (term, counts) in tools[i].Terms)
            {
                if (query.Weights.ContainsKey(term))
                {
                    if (!postings.TryGetValue(term, out var holders))
                    {
                        postings[term] = holders = [];
                    }

                    holders.Add((i, counts));
                }
            }
        }

        return postings;
    }
}
