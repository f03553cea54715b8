namespace Gatehouse.Tools;

/// <summary>
/// Scores a call's tools against its <see cref="ToolQuery"/> with BM25F: each query term's
/// occurrences are summed over the fields with the field's weight and length normalisation, then
/// saturated once (so a word in both name and description is not counted as two independent hits),
/// and weighted by its inverse document frequency among the tools of this call. The collection is
/// the call's own tool list, so a word every tool shares ("get", the app's name) ranks nothing.
/// Costs one dictionary look-up per query term and tool; nothing is allocated per tool.
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

            var idf = MathF.Log(1 + ((count - documentFrequency + 0.5f) / (documentFrequency + 0.5f)));
            for (var i = 0; i < count; i++)
            {
                if (!tools[i].Terms.TryGetValue(term, out var counts))
                {
                    continue;
                }

                var tf = 0f;
                for (var f = 0; f < ToolProfile.FieldCount; f++)
                {
                    tf += counts[f] * norms[(i * ToolProfile.FieldCount) + f];
                }

                scores[i] += queryWeight * idf * (tf * (k1 + 1) / (tf + k1));
            }
        }
    }
}
