namespace Gatehouse.Executions;

/// <summary>One model call of an execution: the first, or a repair. Its numbers are its request record's.</summary>
internal sealed record ExecutionAttempt
{
    /// <summary>1 for the first call, 2 for the first repair…</summary>
    public required int Number { get; init; }

    /// <summary>The request record of this call (<c>GET /api/requests/{id}</c>); null only when the call left none (its key failed the re-check).</summary>
    public Guid? RequestId { get; init; }

    public required int StatusCode { get; init; }

    /// <summary>The pipeline's error class (<c>upstream_timeout</c>, <c>budget_exceeded</c>…) when the call failed.</summary>
    public string? ErrorClass { get; init; }

    public string? ErrorMessage { get; init; }

    public string? Deployment { get; init; }

    public int InputTokens { get; init; }

    public int OutputTokens { get; init; }

    public decimal CostUsd { get; init; }

    public double LatencyMs { get; init; }

    public string? CacheStatus { get; init; }

    /// <summary>The text the model answered (null when the call failed or answered with tool calls only).</summary>
    public string? RawOutput { get; init; }

    public required string ValidationStatus { get; init; }

    public IReadOnlyList<ValidationIssue> ValidationErrors { get; init; } = [];
}
