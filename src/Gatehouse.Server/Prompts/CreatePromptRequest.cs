using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>
/// Body of <c>POST /api/prompts</c>: the prompt's metadata and its first version's content side by
/// side (the prompt-file format plus <see cref="Labels"/> and <see cref="Note"/>).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record CreatePromptRequest : PromptContentBody
{
    public string? Slug { get; init; }

    public string? Description { get; init; }

    /// <summary>Admin only; a virtual key's prompts belong to its own owner.</summary>
    public string? Owner { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Labels to point at version 1 (e.g. <c>["production"]</c>).</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>What changed in this version, for people reading the history.</summary>
    public string? Note { get; init; }
}
