namespace Gatehouse.Tools;

/// <summary>Which of a call's tools go upstream (in the client's order) and why.</summary>
internal sealed class ToolSelection(bool[] kept, int keptCount, int ranked)
{
    /// <summary>One flag per offered tool, in the client's order.</summary>
    public bool[] Kept { get; } = kept;

    public int KeptCount { get; } = keptCount;

    /// <summary>How many were kept for their score (the rest by rule: history, pinned, forced, category).</summary>
    public int KeptByRank { get; } = ranked;

    public bool KeepsAll => KeptCount == Kept.Length;
}
