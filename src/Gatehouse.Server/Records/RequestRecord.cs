namespace Gatehouse.Records;

/// <summary>One row of history per call through <c>/v1/*</c>, written asynchronously by the record writer.</summary>
public sealed record RequestRecord
{
    public required Guid Id { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    /// <summary>The virtual key's id, or <c>master</c>; null only when the caller was never authenticated.</summary>
    public string? KeyId { get; init; }
    /// <summary>Which API was called: <c>chat.completions</c> or <c>embeddings</c>.</summary>
    public required string Endpoint { get; init; }
    public string? RequestedModel { get; init; }
    public string? Deployment { get; init; }
    public string? Provider { get; init; }
    public required int StatusCode { get; init; }
    /// <summary>Null on success; otherwise a stable class such as <c>invalid_request</c>, <c>upstream_timeout</c>.</summary>
    public string? ErrorClass { get; init; }
    public string? ErrorMessage { get; init; }
    public int InputTokens { get; init; }
    public int OutputTokens { get; init; }
    public int CachedInputTokens { get; init; }
    /// <summary>Input tokens written to a prompt cache (Anthropic), priced apart from cache reads.</summary>
    public int CacheWriteInputTokens { get; init; }
    public int ReasoningTokens { get; init; }
    public bool UsageEstimated { get; init; }
    public decimal CostUsd { get; init; }
    public double LatencyMs { get; init; }
    public double? TimeToFirstTokenMs { get; init; }
    public bool Streamed { get; init; }
    /// <summary>Every failed try (retries included), as <c>name:error_class</c> joined by ", "; null when the first try answered.</summary>
    public string? FailedAttempts { get; init; }
    /// <summary>
    /// The response cache's part in the call: <c>hit</c> (served from the cache, cost 0), <c>miss</c>
    /// (this call went upstream and stored the answer), <c>coalesced</c> (shared an identical call
    /// already in flight, cost 0); null when the cache was not used.
    /// </summary>
    public string? CacheStatus { get; init; }
    /// <summary>Tools the client offered; null when tool prefiltering did not run (so for all five tool fields).</summary>
    public int? ToolsOffered { get; init; }
    /// <summary>The client's tools in the upstream request that answered.</summary>
    public int? ToolsSent { get; init; }
    /// <summary>Tokens of the client's tool definitions (o200k, compact JSON).</summary>
    public int? ToolTokensOffered { get; init; }
    /// <summary>Tool-definition tokens of every upstream request of the call, added up (the search function's included).</summary>
    public int? ToolTokensSent { get; init; }
    /// <summary>Times the call was re-issued with more tools after the model called the search function.</summary>
    public int? ToolSearchRounds { get; init; }
}
