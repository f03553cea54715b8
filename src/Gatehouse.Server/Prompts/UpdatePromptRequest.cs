using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>
/// Body of <c>PATCH /api/prompts/{idOrSlug}</c>: what is set changes (<c>""</c> clears the description,
/// <c>[]</c> the tags). Content changes are new versions, so anything else is refused by name.
/// </summary>
internal sealed class UpdatePromptRequest
{
    public string? Description { get; set; }

    public IReadOnlyList<string>? Tags { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unsupported { get; set; }
}

/// <summary>Body of <c>PUT /api/prompts/{idOrSlug}/labels/{label}</c>.</summary>
internal sealed record SetLabelRequest
{
    public int? Version { get; init; }
}
