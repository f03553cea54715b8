using System.Text.Json;

namespace Gatehouse.Executions;

/// <summary>The verdict on one attempt's output: its status, the output as the execution shows it, and what was wrong.</summary>
internal sealed record OutputCheck(string Status, JsonElement? Output, IReadOnlyList<ValidationIssue> Errors)
{
    public bool Failed => Status == ValidationStatuses.Failed;
}
