namespace Gatehouse.Configuration;

/// <summary>
/// <c>Gatehouse:Tools</c>: tool prefiltering (docs/tools.md). Off unless turned on here (for every
/// model), per model alias (<c>Models:&lt;name&gt;:Tools:Prefilter</c>), per key, or per call with
/// <c>x-gatehouse-tools: prefilter</c>.
/// </summary>
public sealed class ToolOptions
{
    /// <summary>Prefilter every model's calls unless its alias, the key or the call says otherwise.</summary>
    public bool Prefilter { get; set; }

    /// <summary>A call offering this many tools or fewer goes through unchanged (1–1000).</summary>
    public int MinTools { get; set; } = 3;

    /// <summary>The most tools the ranking keeps (tools kept by rule come on top; 1–1000).</summary>
    public int MaxTools { get; set; } = 12;

    /// <summary>The adaptive cut: a tool is kept while its score is at least this share of the best (0–1).</summary>
    public double RelativeCutoff { get; set; } = 0.4;

    /// <summary>A cut saving fewer tool tokens than this (net of the search function it adds) sends every tool instead (0–1,000,000).</summary>
    public int MinSavedTokens { get; set; } = 500;

    /// <summary>Core tools always sent, by name or glob (<c>*</c>, <c>?</c>), e.g. <c>["get_user", "calendar_*"]</c>.</summary>
    public List<string> Pinned { get; set; } = [];

    /// <summary>Named groups of tool-name patterns: when the ranking keeps one member, the others come along.</summary>
    public Dictionary<string, List<string>> Categories { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The recovery function offered beside the kept tools.</summary>
    public SearchToolOptions Search { get; set; } = new();

    /// <summary>Distinct tool definitions whose profiles (terms, token count) and embeddings are kept in memory.</summary>
    public int ProfileCacheSize { get; set; } = 20_000;

    /// <summary>
    /// A model alias that serves <c>/v1/embeddings</c> (e.g. <c>sim-embedding</c>). When set, tool definitions and the
    /// last user message are embedded (through the pipeline, as the calling key) and cosine similarity is blended
    /// with the lexical score. Unset (the default): lexical ranking alone.
    /// </summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>Share of the blended score that comes from embedding similarity (0–1); the rest is the lexical score scaled to the best.</summary>
    public double EmbeddingWeight { get; set; } = 0.9;

    /// <summary>The adaptive cut used instead of <see cref="RelativeCutoff"/> when similarity is blended in (0–1): blended scores lie closer together.</summary>
    public double EmbeddingCutoff { get; set; } = 0.6;

    /// <summary>How long a call waits for its embeddings (10–60000 ms) before it is ranked lexically alone.</summary>
    public int EmbeddingTimeoutMs { get; set; } = 1500;
}

/// <summary><c>Gatehouse:Tools:Search</c>: the <c>search_tools</c> function that keeps filtered tools reachable.</summary>
public sealed class SearchToolOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>The function's name (OpenAI's pattern: letters, digits, <c>_</c>, <c>-</c>; at most 64).</summary>
    public string Name { get; set; } = "search_tools";

    /// <summary>How many times one call may be re-issued with more tools (1–5); the last round always offers every tool.</summary>
    public int MaxRounds { get; set; } = 2;

    /// <summary>Tools added per search (1–50).</summary>
    public int MaxResults { get; set; } = 5;

    /// <summary>
    /// <c>FirstDelta</c>: a stream is held only until its first text or non-search tool call, then
    /// flows live. <c>WholeAnswer</c>: held to the end, so a search after text is caught too.
    /// </summary>
    public ToolStreamHoldback StreamHoldback { get; set; } = ToolStreamHoldback.FirstDelta;
}

public enum ToolStreamHoldback
{
    FirstDelta,
    WholeAnswer,
}

/// <summary><c>Gatehouse:Models:&lt;name&gt;:Tools</c>: this alias's prefiltering (unset follows <c>Gatehouse:Tools:Prefilter</c>).</summary>
public sealed class AliasToolOptions
{
    public bool? Prefilter { get; set; }
}
