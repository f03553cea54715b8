using Gatehouse.Configuration;
using Microsoft.Extensions.Options;

namespace Gatehouse.Tools;

/// <summary>
/// The prefilter's decisions outside the HTTP path: the configured settings (compiled once per
/// configuration), the first selection of a call, and the tools a search adds.
/// </summary>
internal sealed class ToolPrefilter(IOptionsMonitor<GatehouseOptions> options, Usage.ITokenCounter tokenCounter)
{
    private (ToolOptions Source, Compiled Value)? _compiled;

    public Compiled Current
    {
        get
        {
            var current = options.CurrentValue;
            var tools = current.Tools;
            var cached = _compiled;
            if (cached is { } c && ReferenceEquals(c.Source, tools))
            {
                return c.Value;
            }

            var compiled = Compile(current);
            _compiled = (tools, compiled);
            return compiled;
        }
    }

    /// <summary>
    /// The tools a search brings in: the unsent tools ranked against the model's search text
    /// (lexically, blended with the search text's embedding similarity when there is one), at most
    /// <c>MaxResults</c> with any match. When nothing matches, every tool goes: a filtered tool must
    /// never become unreachable. Returns how many were added.
    /// </summary>
    public int Widen(ToolRequest request, bool[] sent, string query, int maxResults, ReadOnlySpan<float> similarity = default)
    {
        var signals = new ToolSignals();
        signals.AddMessage("user", query, 0);
        var scores = new float[request.Count];
        ToolSelector.Rank(request.Profiles, signals, Current.Settings, scores, similarity);
        var added = 0;
        foreach (var i in Enumerable.Range(0, request.Count).Where(i => !sent[i] && scores[i] > 0).OrderByDescending(i => scores[i]).Take(maxResults))
        {
            sent[i] = true;
            added++;
        }

        if (added == 0)
        {
            for (var i = 0; i < sent.Length; i++)
            {
                added += sent[i] ? 0 : 1;
                sent[i] = true;
            }
        }

        return added;
    }

    private Compiled Compile(GatehouseOptions options)
    {
        var tools = options.Tools;
        var settings = new ToolSelectionSettings
        {
            MinTools = tools.MinTools,
            MaxTools = tools.MaxTools,
            RelativeCutoff = (float)tools.RelativeCutoff,
            MinSavedTokens = tools.MinSavedTokens,
            EmbeddingCutoff = (float)tools.EmbeddingCutoff,
            Pinned = [.. tools.Pinned.Select(p => new ToolNamePattern(p))],
            Categories = [.. tools.Categories.Select(c => new ToolCategory(c.Key, [.. c.Value.Select(p => new ToolNamePattern(p))]))],
            EmbeddingWeight = string.IsNullOrEmpty(tools.EmbeddingModel) ? 0f : (float)tools.EmbeddingWeight,
        };
        var searchJson = SearchToolDefinition.Json(tools.Search.Name);
        var anthropicSearchJson = SearchToolDefinition.AnthropicJson(tools.Search.Name);
        return new Compiled(settings, tools.Search, searchJson, tokenCounter.CountTokens(System.Text.Encoding.UTF8.GetString(searchJson)))
        {
            AnthropicSearchToolJson = anthropicSearchJson,
            AnthropicSearchToolTokens = tokenCounter.CountTokens(System.Text.Encoding.UTF8.GetString(anthropicSearchJson)),
            EmbeddingModel = string.IsNullOrEmpty(tools.EmbeddingModel) || tools.EmbeddingWeight <= 0 ? null : tools.EmbeddingModel,
            EmbeddingTimeout = TimeSpan.FromMilliseconds(tools.EmbeddingTimeoutMs),
            EmbeddingModelReadsEnglishOnly = ReadsEnglishOnly(options, tools.EmbeddingModel),
        };
    }

    /// <summary>Whether every deployment behind the embedding alias is a model known to read English only (the in-process MiniLM); external models are taken as multilingual.</summary>
    private static bool ReadsEnglishOnly(GatehouseOptions options, string? alias) =>
        Providers.Local.AliasDeployments.Of(options, alias) is { Count: > 0 } deployments
        && deployments.All(static d => d.Type == ProviderType.Local && Providers.Local.LocalEmbeddingModels.ReadsEnglishOnly(d.Model));

    /// <summary>The settings in the form the hot path uses.</summary>
    internal sealed record Compiled(ToolSelectionSettings Settings, SearchToolOptions Search, byte[] SearchToolJson, int SearchToolTokens)
    {
        /// <summary>The alias tools are embedded with; null when ranking is lexical only.</summary>
        public string? EmbeddingModel { get; init; }

        public TimeSpan EmbeddingTimeout { get; init; }

        /// <summary>The embedding model reads English only, so a text mostly in another script is ranked lexically (see <see cref="EmbeddingModelFor"/>).</summary>
        public bool EmbeddingModelReadsEnglishOnly { get; init; }

        /// <summary>
        /// The alias to embed <paramref name="text"/> with, or null to rank it lexically: none is
        /// configured, or the model reads English only and the text is mostly in another script.
        /// Measured with all-MiniLM-L6-v2: for Japanese and Chinese requests it ranked the matching
        /// tool below unrelated ones, and at the default weight its similarity outvotes the lexical
        /// match that finds it. A French request it ranked right, so Latin-script text is embedded.
        /// </summary>
        public string? EmbeddingModelFor(string? text) =>
            EmbeddingModel is not null && (!EmbeddingModelReadsEnglishOnly || TextScript.IsMostlyLatin(text)) ? EmbeddingModel : null;

        /// <summary>The search function in Anthropic's shape, for <c>/v1/messages</c> bodies.</summary>
        public byte[] AnthropicSearchToolJson { get; init; } = [];

        public int AnthropicSearchToolTokens { get; init; }
    }
}
