namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// What the fuzzed server holds before the first generated request, so that paths and bodies can
/// name things that exist: a virtual key to call with, a victim key that requests may change or
/// revoke (never the one the other requests use), its budget, two prompts (one to archive), one
/// execution and one request record.
/// </summary>
internal sealed record FuzzIds(
    string UserKey,
    string UserKeyId,
    string VictimKeyId,
    string BudgetId,
    string PromptId,
    string ExecutionId,
    string RecordId)
{
    public const string PromptSlug = "fuzz-prompt";
    public const string ArchivePromptSlug = "fuzz-archive";
    public const string VictimOwner = "fuzz-victims";

    /// <summary>The value a path placeholder stands for.</summary>
    public string Resolve(string placeholder) => placeholder switch
    {
        "key" => VictimKeyId,
        "budget" => BudgetId,
        "prompt" => PromptSlug,
        "promptId" => PromptId,
        "archive" => ArchivePromptSlug,
        "execution" => ExecutionId,
        "record" => RecordId,
        "model" => "sim-small",
        "label" => "staging",
        "version" => "1",
        _ => throw new ArgumentOutOfRangeException(nameof(placeholder), placeholder, "No such placeholder."),
    };
}
