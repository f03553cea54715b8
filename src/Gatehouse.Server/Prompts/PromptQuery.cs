namespace Gatehouse.Prompts;

/// <summary>Filters for listing prompts, by slug. <see cref="Cursor"/> is the opaque value a previous page returned.</summary>
internal sealed record PromptQuery
{
    public required PromptScope Scope { get; init; }

    /// <summary>Only this owner's prompts (for the admin, who sees every owner).</summary>
    public string? Owner { get; init; }

    public string? Tag { get; init; }

    /// <summary>Case-insensitive part of the slug or description.</summary>
    public string? Search { get; init; }

    /// <summary>false (default): active only; true: archived only; null: both.</summary>
    public bool? Archived { get; init; } = false;

    public string? Cursor { get; init; }

    public int Limit { get; init; } = 50;
}

internal sealed record PromptPage(IReadOnlyList<Prompt> Items, string? NextCursor);
