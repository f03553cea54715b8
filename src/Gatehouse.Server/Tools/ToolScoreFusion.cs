namespace Gatehouse.Tools;

/// <summary>Combines lexical scores with embedding similarity in place, as <see cref="EmbeddingFusion"/> describes.</summary>
internal static class ToolScoreFusion
{
    public static void Fuse(Span<float> scores, ReadOnlySpan<float> similarity, ToolSelectionSettings settings)
    {
        switch (settings.EmbeddingFusion)
        {
            case EmbeddingFusion.NormalizedBlend:
                Blend(scores, similarity, settings.EmbeddingWeight, normalize: true);
                break;
            case EmbeddingFusion.ReciprocalRank:
                ReciprocalRank(scores, similarity, settings.EmbeddingWeight, settings.RankFusionConstant);
                break;
            default:
                Blend(scores, similarity, settings.EmbeddingWeight, normalize: false);
                break;
        }
    }

    /// <summary>Lexical scores scaled to the best one, mixed with cosine similarity: clamped at 0, or scaled to 0–1 over the call's tools.</summary>
    private static void Blend(Span<float> scores, ReadOnlySpan<float> similarity, float weight, bool normalize)
    {
        var best = 0f;
        foreach (var s in scores)
        {
            best = Math.Max(best, s);
        }

        var (low, span) = normalize ? Range(similarity, scores.Length) : (0f, 1f);
        for (var i = 0; i < scores.Length; i++)
        {
            var lexical = best > 0 ? scores[i] / best : 0f;
            var cosine = i < similarity.Length ? similarity[i] : 0f;
            var semantic = normalize ? (span > 0 ? (cosine - low) / span : 0f) : Math.Max(0f, cosine);
            scores[i] = ((1 - weight) * lexical) + (weight * semantic);
        }
    }

    /// <summary>The lowest similarity and the width of the band, over the tools (a tool without one counts as 0); a band of width 0 says nothing.</summary>
    private static (float Low, float Span) Range(ReadOnlySpan<float> similarity, int count)
    {
        var low = float.MaxValue;
        var high = float.MinValue;
        for (var i = 0; i < count; i++)
        {
            var cosine = i < similarity.Length ? similarity[i] : 0f;
            low = Math.Min(low, cosine);
            high = Math.Max(high, cosine);
        }

        return (low, high - low);
    }

    /// <summary>Each list ranked best first (ties share the better rank); a tool the lexical ranker does not match (score 0) is not in its list.</summary>
    private static void ReciprocalRank(Span<float> scores, ReadOnlySpan<float> similarity, float weight, int k)
    {
        var count = scores.Length;
        var lexicalRanks = count <= 512 ? stackalloc int[count] : new int[count];
        var similarityRanks = count <= 512 ? stackalloc int[count] : new int[count];
        var keys = count <= 512 ? stackalloc float[count] : new float[count];
        var order = count <= 512 ? stackalloc int[count] : new int[count];
        Ranks(scores, keys, order, lexicalRanks);
        for (var i = 0; i < count; i++)
        {
            keys[i] = i < similarity.Length ? similarity[i] : float.NegativeInfinity;
        }

        Ranks(keys, keys, order, similarityRanks);
        for (var i = 0; i < count; i++)
        {
            var lexical = scores[i] > 0 ? (1 - weight) / (k + lexicalRanks[i]) : 0f;
            var semantic = i < similarity.Length ? weight / (k + similarityRanks[i]) : 0f;
            scores[i] = 2 * (lexical + semantic);
        }
    }

    /// <summary>The 1-based rank of every value, highest first, ties sharing the better rank. <paramref name="keys"/> may be <paramref name="values"/> itself (it is overwritten).</summary>
    private static void Ranks(ReadOnlySpan<float> values, Span<float> keys, Span<int> order, Span<int> ranks)
    {
        for (var i = 0; i < values.Length; i++)
        {
            order[i] = i;
        }

        values.CopyTo(keys);
        keys.Sort(order, static (a, b) => b.CompareTo(a));
        for (var r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r > 0 && keys[r] == keys[r - 1] ? ranks[order[r - 1]] : r + 1;
        }
    }
}
