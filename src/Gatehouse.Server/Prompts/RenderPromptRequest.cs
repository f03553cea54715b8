using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>Body of <c>POST /api/prompts/{idOrSlug}/render</c>: the inputs, and optionally which version (a label or a number, not both).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RenderPromptRequest
{
    public Dictionary<string, JsonElement>? Inputs { get; init; }

    public string? Label { get; init; }

    public int? Version { get; init; }
}
