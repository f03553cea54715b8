namespace Gatehouse.Prompts;

/// <summary>A prompt as the API shows it: metadata, where each label points, and the newest version number.</summary>
internal sealed record PromptResponse(
    string Id,
    string Slug,
    string? Description,
    string? Owner,
    IReadOnlyList<string> Tags,
    string Source,
    bool Archived,
    DateTimeOffset? ArchivedAt,
    int LatestVersion,
    IReadOnlyDictionary<string, int> Labels,
    string CreatedByKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static PromptResponse From(Prompt prompt) => new(
        prompt.Id,
        prompt.Slug,
        prompt.Description,
        prompt.Owner,
        prompt.Tags,
        prompt.Source.ToString().ToLowerInvariant(),
        prompt.IsArchived,
        prompt.ArchivedAt,
        prompt.LatestVersion,
        prompt.Labels,
        prompt.CreatedByKey,
        prompt.CreatedAt,
        prompt.UpdatedAt);
}

internal sealed record PromptPageResponse(IReadOnlyList<PromptResponse> Items, string? NextCursor);
