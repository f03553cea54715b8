namespace Gatehouse.Prompts;

/// <summary>How looking up a prompt version for a caller ended.</summary>
internal enum PromptResolutionStatus
{
    Found,

    /// <summary>No such prompt, or one the caller may not see (the same answer, on purpose): 404.</summary>
    PromptNotFound,

    /// <summary>The prompt exists but has no such version number: 404.</summary>
    VersionNotFound,

    /// <summary>The prompt exists but has no such label: 404.</summary>
    LabelNotFound,

    /// <summary>The prompt is archived and cannot be rendered or run until unarchived: 409.</summary>
    Archived,

    /// <summary>Both a label and a version were given: 400.</summary>
    Ambiguous,
}

/// <summary>
/// The result of <see cref="PromptCatalog.ResolveAsync"/>: the prompt and version when
/// <see cref="Status"/> is <see cref="PromptResolutionStatus.Found"/>; otherwise a
/// <see cref="Detail"/> fit to show the caller (it never reveals another owner's prompt).
/// </summary>
internal sealed record PromptResolution(PromptResolutionStatus Status, Prompt? Prompt, PromptVersion? Version, string? Label, string Detail)
{
    public bool Found => Status == PromptResolutionStatus.Found;

    /// <summary>The HTTP status the outcome maps to on <c>/api</c>.</summary>
    public int StatusCode => Status switch
    {
        PromptResolutionStatus.Found => StatusCodes.Status200OK,
        PromptResolutionStatus.Archived => StatusCodes.Status409Conflict,
        PromptResolutionStatus.Ambiguous => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status404NotFound,
    };

    public static PromptResolution NotFound(string idOrSlug) =>
        new(PromptResolutionStatus.PromptNotFound, null, null, null, $"No prompt has the id or slug '{idOrSlug}'.");
}
