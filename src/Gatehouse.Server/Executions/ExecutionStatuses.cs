namespace Gatehouse.Executions;

/// <summary>How an execution ended, and where its output's validation stands. Stored and shown as these strings.</summary>
internal static class ExecutionStatuses
{
    /// <summary>The model answered and the output passed validation (or had none to pass).</summary>
    public const string Completed = "completed";

    /// <summary>The model call failed (see the error class); no usable output.</summary>
    public const string Failed = "failed";

    /// <summary>The model answered, but the output still broke its contract after every repair attempt.</summary>
    public const string ValidationFailed = "validation_failed";

    public static bool IsKnown(string status) => status is Completed or Failed or ValidationFailed;
}

internal static class ValidationStatuses
{
    public const string Passed = "passed";
    public const string Failed = "failed";

    /// <summary>Nothing to validate against (no schema, no JSON output), or no output to validate (the call failed, or the model answered with tool calls).</summary>
    public const string Skipped = "skipped";
}
