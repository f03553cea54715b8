namespace Gatehouse.Tools;

/// <summary>
/// Picks a call's tools. Kept by rule, whatever their score: tools the conversation already called,
/// the tool <c>tool_choice</c> forces, and pinned core tools. Then by rank (BM25F, blended with
/// embedding similarity when there is one) with an adaptive cut: tools are taken best first while
/// their score is at least <see cref="ToolSelectionSettings.RelativeCutoff"/> of the best one, never
/// fewer than <see cref="ToolSelectionSettings.MinTools"/> nor more than
/// <see cref="ToolSelectionSettings.MaxTools"/>. A clear winner therefore travels with few others,
/// a flat field with many. A category pulls in the rest of its members when a ranked tool is one.
/// </summary>
internal static class ToolSelector
{
    public static ToolSelection Select(IReadOnlyList<ToolProfile> tools, ToolSignals signals, ToolSelectionSettings settings, ReadOnlySpan<float> similarity = default)
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
        var mass = 0f;
        if (settings.MassShare > 0)
        {
            foreach (var score in scores)
            {
                mass += Math.Max(0f, score);
            }
        }

        var ranked = 0;
        var covered = 0f;
        for (var r = 0; r < found; r++)
        {
            var i = top[r];
            if (r >= settings.MinTools && (best <= 0 || (scores[i] < settings.RelativeCutoff * best && (scores[i] <= 0 || covered >= settings.MassShare * mass))))
            {
                break;
            }

            covered += Math.Max(0f, scores[i]);

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

        if (settings.CoverageCutoff > 0 && best > 0 && ranked < found)
        {
            keptCount += KeepByCoverage(tools, signals, settings, top[..found], ranked, best, kept, ref ranked);
        }

        return new ToolSelection(kept, keptCount, ranked);
    }

    /// <summary>
    /// The coverage rule of the cut: a request that asks for two things ranks the tool for the second below the
    /// first's. Past the cut, a ranked tool is still kept when the query words that no kept tool matches give it at
    /// least <see cref="ToolSelectionSettings.CoverageCutoff"/> of the best score.
    /// </summary>
    private static int KeepByCoverage(IReadOnlyList<ToolProfile> tools, ToolSignals signals, ToolSelectionSettings settings, ReadOnlySpan<int> top, int cut, float best, bool[] kept, ref int ranked)
    {
        var query = QueryOf(tools, signals, settings);
        var terms = Math.Min(query.Weights.Count, 64);
        Span<float> contributions = top.Length * terms <= 2048 ? stackalloc float[top.Length * terms] : new float[top.Length * terms];
        Bm25ToolRanker.ScoreTerms(tools, query, settings.Ranking, top, terms, contributions);
        var covered = 0UL;
        for (var r = 0; r < cut; r++)
        {
            covered |= Matched(contributions.Slice(r * terms, terms));
        }

        var added = 0;
        for (var r = cut; r < top.Length; r++)
        {
            var row = contributions.Slice(r * terms, terms);
            var residual = 0f;
            for (var t = 0; t < terms; t++)
            {
                residual += (covered & (1UL << t)) == 0 ? row[t] : 0f;
            }

            if (residual < settings.CoverageCutoff * best)
            {
                continue;
            }

            covered |= Matched(row);
            ranked++;
            if (!kept[top[r]])
            {
                kept[top[r]] = true;
                added++;
            }
        }

        return added;

        static ulong Matched(ReadOnlySpan<float> row)
        {
            var mask = 0UL;
            for (var t = 0; t < row.Length; t++)
            {
                mask |= row[t] > 0 ? 1UL << t : 0UL;
            }

            return mask;
        }
    }

    /// <summary>The score of every tool: BM25F, blended with the similarity when there is one.</summary>
    public static void Rank(IReadOnlyList<ToolProfile> tools, ToolSignals signals, ToolSelectionSettings settings, Span<float> scores, ReadOnlySpan<float> similarity = default)
    {
        Bm25ToolRanker.Score(tools, QueryOf(tools, signals, settings), settings.Ranking, scores);
        if (!similarity.IsEmpty && settings.EmbeddingWeight > 0)
        {
            Blend(scores, similarity, settings.EmbeddingWeight);
        }
    }

    /// <summary>
    /// The conversation's query, plus, when it has already called tools, the name and description words of those
    /// tools at <see cref="ToolSelectionSettings.UsedToolWeight"/>: a conversation working with files keeps needing
    /// the file tools its words do not name.
    /// </summary>
    internal static ToolQuery QueryOf(IReadOnlyList<ToolProfile> tools, ToolSignals signals, ToolSelectionSettings settings)
    {
        if (settings.UsedToolWeight <= 0 || signals.UsedTools.Count == 0)
        {
            return signals.Query;
        }

        var query = signals.Query.Copy();
        foreach (var tool in tools)
        {
            if (!signals.UsedTools.Contains(tool.Name))
            {
                continue;
            }

            foreach (var (term, counts) in tool.Terms)
            {
                if (counts[(int)ToolField.Name] > 0 || counts[(int)ToolField.Description] > 0)
                {
                    query.AddTerm(term, settings.UsedToolWeight);
                }
            }
        }

        return query;
    }

    private static int KeepByRule(IReadOnlyList<ToolProfile> tools, ToolSignals signals, ToolSelectionSettings settings, bool[] kept)
    {
        var keptCount = 0;
        for (var i = 0; i < tools.Count; i++)
        {
            var name = tools[i].Name;
            if (signals.UsedTools.Contains(name) || name == signals.ForcedTool || IsPinned(name, settings))
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
