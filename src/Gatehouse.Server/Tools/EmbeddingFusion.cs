namespace Gatehouse.Tools;

/// <summary>How the lexical score and the embedding similarity make one score (<see cref="ToolSelectionSettings.EmbeddingFusion"/>).</summary>
internal enum EmbeddingFusion
{
    /// <summary>(1 − w) · lexical ÷ best lexical + w · max(0, cosine).</summary>
    Blend,

    /// <summary>As <see cref="Blend"/>, with the cosines first scaled to 0–1 over the call's tools (min–max), since where a query's cosines lie varies from query to query.</summary>
    NormalizedBlend,

    /// <summary>Reciprocal rank fusion: 2 · ((1 − w) ÷ (k + lexical rank) + w ÷ (k + similarity rank)); a tool without a lexical match has no lexical term. w = 0.5 is plain RRF.</summary>
    ReciprocalRank,
}
