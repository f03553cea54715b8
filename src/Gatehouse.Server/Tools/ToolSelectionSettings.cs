namespace Gatehouse.Tools;

/// <summary>How many tools a call keeps and which are kept whatever the ranking says (from <c>Gatehouse:Tools</c>).</summary>
internal sealed record ToolSelectionSettings
{
    public static readonly ToolSelectionSettings Default = new();

    /// <summary>A call offering this many tools or fewer goes through unchanged.</summary>
    public int MinTools { get; init; } = 3;

    /// <summary>The most tools the ranking keeps (tools kept by rule come on top).</summary>
    public int MaxTools { get; init; } = 12;

    /// <summary>A tool is kept when its score is at least this share of the best score (the adaptive cut).</summary>
    public float RelativeCutoff { get; init; } = 0.4f;

    /// <summary>A cut that saves fewer tokens than this (net of the search function it adds) sends every tool instead: too little gained for the risk of a missing tool.</summary>
    public int MinSavedTokens { get; init; } = 500;

    public ToolRanking Ranking { get; init; } = ToolRanking.Default;

    /// <summary>Core tools kept on every call, by name or glob.</summary>
    public IReadOnlyList<ToolNamePattern> Pinned { get; init; } = [];

    /// <summary>Named groups of tools: when the ranking keeps one member, the others come along.</summary>
    public IReadOnlyList<ToolCategory> Categories { get; init; } = [];

    /// <summary>The adaptive cut when an embedding similarity is blended in: blended scores lie closer together than lexical ones, so the same share would keep too many.</summary>
    public float EmbeddingCutoff { get; init; } = 0.6f;

    /// <summary>Weight of an embedding similarity passed to <see cref="ToolSelector.Select"/> against the lexical score (0 = lexical only; set from <c>Tools:EmbeddingWeight</c> when <c>Tools:EmbeddingModel</c> is).</summary>
    public float EmbeddingWeight { get; init; }
}

/// <summary>A category: a name and the tool-name patterns that belong to it.</summary>
internal sealed record ToolCategory(string Name, IReadOnlyList<ToolNamePattern> Members)
{
    public bool Contains(string toolName) => Members.Any(m => m.Matches(toolName));
}
