namespace Gatehouse.Gateway;

/// <summary>The <c>x-gatehouse-*</c> headers Gatehouse sends and reads, documented in docs/api.md.</summary>
internal static class GatehouseHeaders
{
    public const string RequestId = "x-gatehouse-request-id";
    public const string Deployment = "x-gatehouse-deployment";
    public const string Provider = "x-gatehouse-provider";
    public const string InputTokens = "x-gatehouse-input-tokens";
    public const string OutputTokens = "x-gatehouse-output-tokens";
    public const string CachedTokens = "x-gatehouse-cached-tokens";
    public const string ReasoningTokens = "x-gatehouse-reasoning-tokens";
    public const string CostUsd = "x-gatehouse-cost-usd";
    public const string UsageEstimated = "x-gatehouse-usage-estimated";

    /// <summary>The budget with the least left among those the call was checked against (the one that refused it, on a 429).</summary>
    public const string BudgetId = "x-gatehouse-budget-id";

    /// <summary>USD that budget had left when the call was admitted: its limit less settled spend and what other calls in flight hold.</summary>
    public const string BudgetRemainingUsd = "x-gatehouse-budget-remaining-usd";

    /// <summary>Request header: <c>off</c> tries only the first deployment (no fallback to the others).</summary>
    public const string Fallback = "x-gatehouse-fallback";

    /// <summary>Request header: retries on each deployment for this call, 0 to <c>Gatehouse:MaxRequestedRetries</c>.</summary>
    public const string Retries = "x-gatehouse-retries";

    /// <summary>Request header: a routing strategy for this call (<c>Ordered</c>, <c>Weighted</c>, <c>LeastBusy</c>, <c>LowestLatency</c>, <c>Cheapest</c>).</summary>
    public const string Strategy = "x-gatehouse-strategy";

    /// <summary>How many deployments were tried (only when more than one).</summary>
    public const string Attempts = "x-gatehouse-attempts";

    /// <summary>The deployments that failed before the one that answered, as <c>name:error_class</c>.</summary>
    public const string FailedAttempts = "x-gatehouse-failed-attempts";

    /// <summary>Request header: <c>on</c>, <c>off</c>, or <c>refresh</c> (skip the lookup, store the fresh answer) for the response cache.</summary>
    public const string Cache = "x-gatehouse-cache";

    /// <summary>Request header: seconds to keep this call's answer in the cache.</summary>
    public const string CacheTtl = "x-gatehouse-cache-ttl";

    /// <summary>Request header: a cache namespace; answers are shared only within one namespace.</summary>
    public const string CacheNamespace = "x-gatehouse-cache-namespace";

    /// <summary>Response header: <c>hit</c>, <c>miss</c> or <c>coalesced</c> when the cache took part.</summary>
    public const string CacheStatus = "x-gatehouse-cache-status";

    /// <summary>Request header: <c>prefilter</c> or <c>off</c>, tool prefiltering for this call (over the key's and the alias's setting).</summary>
    public const string Tools = "x-gatehouse-tools";

    /// <summary>Response header: tools the client offered (when prefiltering ran).</summary>
    public const string ToolsOffered = "x-gatehouse-tools-offered";

    /// <summary>Response header: the client's tools in the upstream request that answered.</summary>
    public const string ToolsSent = "x-gatehouse-tools-sent";

    /// <summary>Response header: tokens of the client's tool definitions.</summary>
    public const string ToolTokensOffered = "x-gatehouse-tool-tokens-offered";

    /// <summary>Response header: tool-definition tokens of every upstream request of the call, added up.</summary>
    public const string ToolTokensSent = "x-gatehouse-tool-tokens-sent";

    /// <summary>Response header: times the call was re-issued with more tools after the model searched (only when it was).</summary>
    public const string ToolSearchRounds = "x-gatehouse-tools-search-rounds";

    /// <summary>Response header: how the tools were ranked, <c>lexical</c> or <c>lexical+embedding</c> (when prefiltering ran).</summary>
    public const string ToolRanking = "x-gatehouse-tools-ranking";
}
