namespace Gatehouse.Tools;

/// <summary>
/// Picks a call's tools. Kept by rule, whatever their score: tools the conversation already called,
/// the tool <c>tool_choice</c> forces, pinned core tools, and server tools
/// (<see cref="ToolProfile.AlwaysKept"/>). Then by rank (BM25F, blended with embedding similarity
/// when there is one) with an adaptive cut: tools are taken best first while their score is at
/// least <see cref="ToolSelectionSettings.RelativeCutoff"/> of the best one
/// (<see cref="ToolSelectionSettings.EmbeddingCutoff"/> for blended scores), never
/// fewer than <see cref="ToolSelectionSettings.MinTools"/> nor more than
/// <see cref="ToolSelectionSettings.MaxTools"/>. A clear winner therefore travels with few others,
/// a flat field with many. A category pulls in the rest of its members when a ranked tool is one.
/// A cut that would save fewer than <see cref="ToolSelectionSettings.MinSavedTokens"/> tokens (net
/// of the search function sent beside the kept tools) is not worth the risk of a missing tool:
/// then every tool goes.
/// </summary>
internal static class ToolSelector
{
    /// <param name="addedTokens">What a filtered call adds to the tools it keeps (the search function's definition).</param>
    public static ToolSelection Select(IReadOnlyList<ToolProfile> tools, ToolSignals signals, ToolSelectionSettings settings, ReadOnlySpan<float> similarity = default, int addedTokens = 0)
    {
        var count = tools.Count;
        var kept = new bool[count];
        if (count <= settings.MinTools)
        {
            Array.Fill(kept, true);
            return new ToolSelection(kept, count, 0);
        }

        var keptCount = KeepByRule(tools, signals, settings, kept);
        var scores = count <= 1024 ? stackalloc float[count] : new float[count];
        Rank(tools, signals, settings, scores, similarity);

        var limit = Math.Min(settings.MaxTools, count);
        var top = limit <= 256 ? stackalloc int[limit] : new int[limit];
        var found = TopIndices(scores, top);
        var best = found > 0 ? scores[top[0]] : 0f;
        var cutoff = IsBlended(similarity, settings) ? settings.EmbeddingCutoff : settings.RelativeCutoff;
        var ranked = 0;
        for (var r = 0; r < found; r++)
        {
            var i = top[r];
            if (r >= settings.MinTools && (best <= 0 || scores[i] < cutoff * best))
            {
                break;
            }

            ranked++;
            if (!kept[i])
            {
                kept[i] = true;
                keptCount++;
            }

            if (scores[i] > 0)
            {
                keptCount += KeepCategoryOf(tools, i, settings, kept);
            }
        }

        if (keptCount < count && SavedTokens(tools, kept) - addedTokens < settings.MinSavedTokens)
        {
            Array.Fill(kept, true);
            keptCount = count;
        }

        return new ToolSelection(kept, keptCount, ranked);
    }

    private static bool IsBlended(ReadOnlySpan<float> similarity, ToolSelectionSettings settings) => !similarity.IsEmpty && settings.EmbeddingWeight > 0;

    private static int SavedTokens(IReadOnlyList<ToolProfile> tools, bool[] kept)
    {
        var saved = 0L;
        for (var i = 0; i < tools.Count; i++)
        {
            saved += kept[i] ? 0 : tools[i].Tokens;
        }

        return Usage.TokenMath.Saturate(saved);
    }

    /// <summary>The score of every tool: BM25F, blended with the similarity when there is one.</summary>
    public static void Rank(IReadOnlyList<ToolProfile> tools, ToolSignals signals, ToolSelectionSettings settings, Span<float> scores, ReadOnlySpan<float> similarity = default)
    {
        Bm25ToolRanker.Score(tools, signals.Query, settings.Ranking, scores);
        if (IsBlended(similarity, settings))
        {
            Blend(scores, similarity, settings.EmbeddingWeight);
        }
    }

    private static int KeepByRule(IReadOnlyList<ToolProfile> tools, ToolSignals signals, ToolSelectionSettings settings, bool[] kept)
    {
        var keptCount = 0;
        for (var i = 0; i < tools.Count; i++)
        {
            var name = tools[i].Name;
            if (tools[i].AlwaysKept || signals.UsedTools.Contains(name) || name == signals.ForcedTool || IsPinned(name, settings))
            {
                kept[i] = true;
                keptCount++;
            }
        }

        return keptCount;
    }

    private static bool IsPinned(string name, ToolSelectionSettings settings)
    {
        foreach (var pattern in settings.Pinned)
        {
            if (pattern.Matches(name))
            {
                return true;
            }
        }

        return false;
    }

    private static int KeepCategoryOf(IReadOnlyList<ToolProfile> tools, int member, ToolSelectionSettings settings, bool[] kept)
    {
        var added = 0;
        foreach (var category in settings.Categories)
        {
            if (!category.Contains(tools[member].Name))
            {
                continue;
            }

            for (var i = 0; i < tools.Count; i++)
            {
                if (!kept[i] && category.Contains(tools[i].Name))
                {
                    kept[i] = true;
                    added++;
                }
            }
        }

        return added;
    }

    /// <summary>Lexical scores scaled to the best one, mixed with cosine similarity (clamped at 0).</summary>
    private static void Blend(Span<float> scores, ReadOnlySpan<float> similarity, float weight)
    {
        var best = 0f;
        foreach (var s in scores)
        {
            best = Math.Max(best, s);
        }

        for (var i = 0; i < scores.Length; i++)
        {
            var lexical = best > 0 ? scores[i] / best : 0f;
            scores[i] = ((1 - weight) * lexical) + (weight * Math.Max(0f, i < similarity.Length ? similarity[i] : 0f));
        }
    }

    /// <summary>Indices of the highest scores, best first; ties keep the client's order. O(n·k) with k the slots, no allocation.</summary>
    private static int TopIndices(ReadOnlySpan<float> scores, Span<int> top)
    {
        var found = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var score = scores[i];
            if (found == top.Length && score <= scores[top[found - 1]])
            {
                continue;
            }

            var position = found < top.Length ? found++ : found - 1;
            while (position > 0 && scores[top[position - 1]] < score)
            {
                top[position] = top[position - 1];
                position--;
            }

            top[position] = i;
        }

        return found;
    }
}
