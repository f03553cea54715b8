using Gatehouse.OpenAI;
using Gatehouse.Routing;
using Gatehouse.Usage;

namespace Gatehouse.Gateway;

/// <summary>
/// What happened to one call, or to one nested run of it (a tool round, the cache's producing
/// call): everything the recording, budget and rate-limit stages read once the call is done. A
/// nested run fills an outcome of its own, which its parent takes in with <see cref="Add"/>, the
/// one place outcomes are merged.
/// </summary>
internal sealed class CallOutcome
{
    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public string? ErrorClass { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary>The deployment that answered, or the last one tried; null when no upstream was reached.</summary>
    public Deployment? Deployment { get; set; }

    public TokenUsage Usage { get; set; }

    public decimal CostUsd { get; set; }

    public double? TimeToFirstTokenMs { get; set; }

    /// <summary>Deployments tried before the one that answered, with why each failed (<c>name:error_class</c>).</summary>
    public List<string>? FailedAttempts { get; set; }

    /// <summary>The response cache's part in the call (<c>hit</c>, <c>miss</c>, <c>coalesced</c>); null when it took none.</summary>
    public string? CacheStatus { get; set; }

    /// <summary>What tool prefiltering offered and sent; null when it did not run.</summary>
    public Tools.ToolAccounting? Tools { get; set; }

    /// <summary>Marks the call failed with an error the caller has already been sent (or is about to be).</summary>
    public void Fail(OpenAIError error) => Fail(error.StatusCode, error.ErrorClass, error.Message);

    public void Fail(int statusCode, string? errorClass, string? errorMessage)
    {
        StatusCode = statusCode;
        ErrorClass = errorClass;
        ErrorMessage = errorMessage;
    }

    /// <summary>
    /// Takes in a nested run's outcome: usage and cost add up (each run paid for its own upstream
    /// call), the failed attempts are appended, and the run's status and error become this call's
    /// (the last run is the one whose answer the client got). What the run left unset (deployment,
    /// first-token time, cache status, tool accounting) keeps this call's value. Adopting the
    /// cache producer's outcome is the same merge into a still empty outcome: the sums are then the
    /// producer's own numbers (token counts stay within 0..<see cref="int.MaxValue"/>, see <see cref="TokenMath"/>).
    /// </summary>
    public void Add(CallOutcome run)
    {
        var (a, b) = (Usage, run.Usage);
        Usage = new TokenUsage(
            TokenMath.Add(a.InputTokens, b.InputTokens),
            TokenMath.Add(a.OutputTokens, b.OutputTokens),
            TokenMath.Add(a.CachedInputTokens, b.CachedInputTokens),
            TokenMath.Add(a.ReasoningTokens, b.ReasoningTokens),
            TokenMath.Add(a.AudioInputTokens, b.AudioInputTokens),
            TokenMath.Add(a.AudioOutputTokens, b.AudioOutputTokens),
            TokenMath.Add(a.CacheWriteInputTokens, b.CacheWriteInputTokens),
            a.Estimated || b.Estimated);
        CostUsd += run.CostUsd;
        if (run.FailedAttempts is { Count: > 0 } failed)
        {
            (FailedAttempts ??= []).AddRange(failed);
        }

        StatusCode = run.StatusCode;
        ErrorClass = run.ErrorClass;
        ErrorMessage = run.ErrorMessage;
        Deployment = run.Deployment ?? Deployment;
        TimeToFirstTokenMs = run.TimeToFirstTokenMs ?? TimeToFirstTokenMs;
        CacheStatus = run.CacheStatus ?? CacheStatus;
        Tools = run.Tools ?? Tools;
    }
}
