using System.Globalization;
using Gatehouse.Tools;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>
/// <c>tool-selection --fusion-sweep</c>: the grids of the other ways of fusing the lexical score with the
/// embedding similarity (<see cref="EmbeddingFusion"/>), on the tuning half, the lexical settings at
/// their defaults. Each grid is at most 30 settings, fixed before it was run.
/// </summary>
internal static class ToolSelectionFusionSweep
{
    public static void Print(ToolSelectionData data, int searchTokens, ToolSelectionEmbeddings embeddings)
    {
        Console.WriteLine("### Min–max normalised similarity (NormalizedBlend), tuning half");
        Console.WriteLine();
        Console.WriteLine("| embedding weight | embedding cutoff | reduction | recall (tuning half) |");
        Console.WriteLine("| ---: | ---: | ---: | ---: |");
        foreach (var weight in new[] { 0.5f, 0.7f, 0.8f, 0.9f, 0.95f })
        foreach (var cutoff in new[] { 0.6f, 0.65f, 0.7f, 0.75f, 0.8f, 0.85f })
        {
            var t = Tuning(data, searchTokens, embeddings, EmbeddingFusion.NormalizedBlend, weight, cutoff);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {weight} | {cutoff} | {t.Reduction:P2} | {t.Recall:P2} |"));
        }

        // The cut as a depth d: the score of a tool ranked d-th in both lists over one ranked first in both, (k + 1) / (k + d),
        // so that the same depths mean the same thing whatever k is.
        Console.WriteLine();
        Console.WriteLine("### Reciprocal rank fusion (ReciprocalRank), tuning half");
        Console.WriteLine();
        Console.WriteLine("| k | embedding weight | depth d | embedding cutoff (k+1)/(k+d) | reduction | recall (tuning half) |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var k in new[] { 10, 30, 60 })
        foreach (var weight in new[] { 0.5f, 0.8f })
        foreach (var depth in new[] { 4, 6, 9, 13, 20 })
        {
            var cutoff = (k + 1f) / (k + depth);
            var t = Tuning(data, searchTokens, embeddings, EmbeddingFusion.ReciprocalRank, weight, cutoff, k);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {k} | {weight} | {depth} | {cutoff:0.0000} | {t.Reduction:P2} | {t.Recall:P2} |"));
        }
    }

    private static SourceTotals Tuning(ToolSelectionData data, int searchTokens, ToolSelectionEmbeddings embeddings, EmbeddingFusion fusion, float weight, float cutoff, int k = 60)
    {
        var settings = ToolSelectionSettings.Default with { EmbeddingFusion = fusion, EmbeddingWeight = weight, EmbeddingCutoff = cutoff, RankFusionConstant = k };
        return ToolSelectionRun.Evaluate(data, data.Cases, settings, pooled: false, searchTokens, c => c.InTuningHalf, embeddings)["overall"];
    }
}
