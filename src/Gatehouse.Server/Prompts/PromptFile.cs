using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>
/// A prompt as a file in <c>Gatehouse:Prompts:Directory</c> (and as the demo prompts are shipped):
/// the prompt's metadata and the content of its current version side by side. Unknown fields are
/// refused, so a misspelt one is an error rather than silently gone.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record PromptFile : PromptContentBody
{
    /// <summary>Optional: the file name without <c>.json</c> when left out.</summary>
    public string? Slug { get; init; }

    public string? Description { get; init; }

    public string? Owner { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }
}
