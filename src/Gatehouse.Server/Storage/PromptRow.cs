using Gatehouse.Prompts;

namespace Gatehouse.Storage;

/// <summary>A <c>prompts</c> row with its latest version number; tags and labels come from their own tables.</summary>
internal sealed class PromptRow
{
    public const string Columns =
        """
        p.id AS Id, p.slug AS Slug, p.description AS Description, p.owner AS Owner, p.created_by_key AS CreatedByKey,
        p.source AS Source, p.archived_at_us AS ArchivedAtUs, p.created_at_us AS CreatedAtUs, p.updated_at_us AS UpdatedAtUs,
        (SELECT MAX(v.version) FROM prompt_versions v WHERE v.prompt_id = p.id) AS LatestVersion
        """;

    public string Id { get; set; } = "";
    public string Slug { get; set; } = "";
    public string? Description { get; set; }
    public string? Owner { get; set; }
    public string CreatedByKey { get; set; } = "";
    public string Source { get; set; } = "";
    public long? ArchivedAtUs { get; set; }
    public long CreatedAtUs { get; set; }
    public long UpdatedAtUs { get; set; }
    public long? LatestVersion { get; set; }

    public static string SourceName(PromptSource source) => source.ToString().ToLowerInvariant();

    public static object Parameters(Prompt prompt) => new
    {
        prompt.Id,
        prompt.Slug,
        prompt.Description,
        prompt.Owner,
        prompt.CreatedByKey,
        Source = SourceName(prompt.Source),
        ArchivedAtUs = StorageValues.ToUnixMicroseconds(prompt.ArchivedAt),
        CreatedAtUs = StorageValues.ToUnixMicroseconds(prompt.CreatedAt),
        UpdatedAtUs = StorageValues.ToUnixMicroseconds(prompt.UpdatedAt),
    };

    public Prompt ToPrompt(IReadOnlyList<string> tags, IReadOnlyDictionary<string, int> labels) => new()
    {
        Id = Id,
        Slug = Slug,
        Description = Description,
        Owner = Owner,
        CreatedByKey = CreatedByKey,
        Source = Enum.TryParse<PromptSource>(Source, ignoreCase: true, out var source) ? source : throw new InvalidOperationException($"Prompt '{Id}' has an unknown source '{Source}'."),
        ArchivedAt = StorageValues.FromUnixMicroseconds(ArchivedAtUs),
        CreatedAt = StorageValues.FromUnixMicroseconds(CreatedAtUs),
        UpdatedAt = StorageValues.FromUnixMicroseconds(UpdatedAtUs),
        LatestVersion = LatestVersion is { } latest ? checked((int)latest) : 0,
        Tags = tags,
        Labels = labels,
    };
}
