using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>
/// Body of <c>POST /api/prompts/{idOrSlug}/execute</c>: the inputs, optionally which version (a label
/// or a number, not both), optional overrides for this run, and whether to stream the answer.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ExecutePromptRequest
{
    public Dictionary<string, JsonElement>? Inputs { get; init; }

    public string? Label { get; init; }

    public int? Version { get; init; }

    public ExecutePromptOverrides? Overrides { get; init; }

    /// <summary>Answer as server-sent events: the model's text as it comes, then the stored execution.</summary>
    public bool Stream { get; init; }
}

/// <summary>What one execution may change without a new version.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ExecutePromptOverrides
{
    public string? Model { get; init; }

    public double? Temperature { get; init; }

    public int? MaxTokens { get; init; }
}
