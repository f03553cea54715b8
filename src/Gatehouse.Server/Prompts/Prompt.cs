namespace Gatehouse.Prompts;

/// <summary>A stored prompt: its identity and metadata, the labels that point at its versions, and its newest version number.</summary>
internal sealed record Prompt
{
    public required string Id { get; init; }

    /// <summary>Unique across owners; how people and code name the prompt (<c>code-review</c>).</summary>
    public required string Slug { get; init; }

    public string? Description { get; init; }

    /// <summary>The owner whose keys see the prompt; null = only the admin and <see cref="CreatedByKey"/>.</summary>
    public string? Owner { get; init; }

    /// <summary>The key that created it (<c>master</c> for the admin key, files and demo data).</summary>
    public required string CreatedByKey { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public required PromptSource Source { get; init; }

    public DateTimeOffset? ArchivedAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The highest version number; every prompt has at least version 1.</summary>
    public int LatestVersion { get; init; }

    /// <summary>Label name → the version it points at.</summary>
    public IReadOnlyDictionary<string, int> Labels { get; init; } = new Dictionary<string, int>();

    public bool IsArchived => ArchivedAt is not null;

    public static string NewId() => "prm_" + Guid.CreateVersion7().ToString("N");
}
