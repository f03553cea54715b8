namespace Gatehouse.Configuration;

/// <summary>A public model name clients send (<c>Gatehouse:Models:&lt;name&gt;</c>) and the deployments behind it.</summary>
public sealed class ModelAliasOptions
{
    /// <summary>Deployment names in priority order: calls go to the first, and fall back down the list when one fails before answering.</summary>
    public List<string> Deployments { get; set; } = [];

    /// <summary>How the first deployment is chosen; the rest are the fallback chain.</summary>
    public RoutingStrategy Strategy { get; set; } = RoutingStrategy.Ordered;

    /// <summary>For <see cref="RoutingStrategy.Weighted"/>: relative weights by deployment name (missing = 1, 0 = fallback only).</summary>
    public Dictionary<string, double> Weights { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Deployments to try, in order, when a call is refused for being longer than the model's context window.</summary>
    public List<string> ContextWindowFallbacks { get; set; } = [];

    /// <summary>Deployments to try, in order, when a call is refused by the provider's content policy.</summary>
    public List<string> ContentPolicyFallbacks { get; set; } = [];

    /// <summary>This alias's response-cache settings (unset values follow <c>Gatehouse:Cache</c>).</summary>
    public AliasCacheOptions Cache { get; set; } = new();

    /// <summary>This alias's tool prefiltering (unset follows <c>Gatehouse:Tools:Prefilter</c>).</summary>
    public AliasToolOptions Tools { get; set; } = new();

    /// <summary>
    /// Chat or embedding model; unset, it follows the first deployment (a <c>Local</c> provider, a price-table
    /// entry of mode <c>embedding</c>, or "embed" in the model name make it an embedding model, anything else chat).
    /// </summary>
    public ModelKind? Kind { get; set; }

    public string? Description { get; set; }
}
