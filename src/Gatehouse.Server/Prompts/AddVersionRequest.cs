using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>Body of <c>POST /api/prompts/{idOrSlug}/versions</c>: a whole new version's content (nothing is inherited from the last one).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record AddVersionRequest : PromptContentBody
{
    /// <summary>Labels to move to the new version (e.g. <c>["staging"]</c>).</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    public string? Note { get; init; }
}
