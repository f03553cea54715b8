using Gatehouse.Prompts;

namespace Gatehouse.Storage;

/// <summary>A <c>prompt_versions</c> row; the content is the normalized definition as JSON.</summary>
internal sealed class PromptVersionRow
{
    public const string Columns =
        """
        prompt_id AS PromptId, version AS Version, content AS Content, content_hash AS ContentHash, note AS Note,
        created_by_key AS CreatedByKey, created_at_us AS CreatedAtUs
        """;

    public string PromptId { get; set; } = "";
    public long Version { get; set; }
    public string Content { get; set; } = "";
    public string ContentHash { get; set; } = "";
    public string? Note { get; set; }
    public string CreatedByKey { get; set; } = "";
    public long CreatedAtUs { get; set; }

    public static PromptVersionRow From(PromptVersion version) => new()
    {
        PromptId = version.PromptId,
        Version = version.Version,
        Content = PromptContent.ToJson(version.Definition),
        ContentHash = version.ContentHash,
        Note = version.Note,
        CreatedByKey = version.CreatedByKey,
        CreatedAtUs = StorageValues.ToUnixMicroseconds(version.CreatedAt),
    };

    public PromptVersion ToVersion() => new()
    {
        PromptId = PromptId,
        Version = checked((int)Version),
        Definition = PromptContent.FromJson(Content),
        ContentHash = ContentHash,
        Note = Note,
        CreatedByKey = CreatedByKey,
        CreatedAt = StorageValues.FromUnixMicroseconds(CreatedAtUs),
    };
}
