namespace Gatehouse.Executions;

/// <summary>One way the output broke its contract: where (a JSON Pointer into the output; empty for the whole) and what.</summary>
internal sealed record ValidationIssue(string Path, string Message);
