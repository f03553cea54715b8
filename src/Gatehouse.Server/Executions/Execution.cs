using System.Text.Json;

namespace Gatehouse.Executions;

/// <summary>One prompt execution as stored and shown: what ran, for whom, every model call it made, and how it ended.</summary>
internal sealed record Execution
{
    public required Guid Id { get; init; }

    /// <summary>When it started.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }

    public string? PromptId { get; init; }

    public string? PromptSlug { get; init; }

    public string? PromptVersionId { get; init; }

    public string? Label { get; init; }

    /// <summary>The key it ran as (<c>master</c> for the admin key).</summary>
    public required string KeyId { get; init; }

    /// <summary>The key's owner when it ran; non-admin keys see their owner's executions.</summary>
    public string? Owner { get; init; }

    /// <summary><c>completed</c>, <c>failed</c> or <c>validation_failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Why it did not complete: <c>rate_limit</c>, <c>budget_exceeded</c>, <c>timeout</c>, <c>upstream_error</c>, <c>validation</c>… (see <see cref="ExecutionErrors"/>).</summary>
    public string? ErrorClass { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>True when the same execution may well succeed if run again later (a rate limit, a timeout, an upstream failure).</summary>
    public bool Retryable { get; init; }

    /// <summary>Model calls made to repair the output (attempts after the first).</summary>
    public int RepairCount { get; init; }

    public required IReadOnlyList<ExecutionAttempt> Attempts { get; init; }

    public JsonElement? Inputs { get; init; }

    /// <summary>The rendered messages sent on the first attempt.</summary>
    public required JsonElement Messages { get; init; }

    /// <summary>The final attempt's text, as the model wrote it.</summary>
    public string? RawOutput { get; init; }

    /// <summary>The output: the parsed JSON when the call asks for JSON, else the text as a JSON string; null when there is none.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>The tool calls the model answered with, when it did.</summary>
    public JsonElement? ToolCalls { get; init; }

    /// <summary><c>passed</c>, <c>failed</c> or <c>skipped</c>.</summary>
    public required string ValidationStatus { get; init; }

    public IReadOnlyList<ValidationIssue> ValidationErrors { get; init; } = [];

    /// <summary>The model alias called (after any override).</summary>
    public required string Model { get; init; }

    /// <summary>The deployment that answered the final attempt.</summary>
    public string? Deployment { get; init; }

    /// <summary>Sums over every attempt.</summary>
    public int InputTokens { get; init; }

    public int OutputTokens { get; init; }

    public decimal CostUsd { get; init; }

    /// <summary>From start to end, every attempt included.</summary>
    public double LatencyMs { get; init; }

    /// <summary>The final attempt's cache status (<c>hit</c>, <c>miss</c>, <c>coalesced</c>), or null when the cache took no part.</summary>
    public string? CacheStatus { get; init; }

    public bool Streamed { get; init; }

    /// <summary>The execution this one re-ran.</summary>
    public Guid? RetryOf { get; init; }

    /// <summary>What was executed, so a retry can run it again.</summary>
    public required RenderedCall Call { get; init; }

    public ExecutionOverrides? Overrides { get; init; }
}
