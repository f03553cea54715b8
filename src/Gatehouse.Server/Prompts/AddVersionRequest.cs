using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>Body of <c>POST /api/prompts/{idOrSlug}/versions</c>: a whole new version's content (nothing is inherited from the last one).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record AddVersionRequest
{
    /// <summary>Labels to move to the new version (e.g. <c>["staging"]</c>).</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    public string? Note { get; init; }

    public IReadOnlyList<PromptMessageTemplate>? Messages { get; init; }

    public IReadOnlyList<PromptVariable>? Variables { get; init; }

    public string? Model { get; init; }

    public JsonElement? Parameters { get; init; }

    public JsonElement? Tools { get; init; }

    public PromptOutput? Output { get; init; }

    public PromptDefinition ToDefinition() => new()
    {
        Messages = Messages,
        Variables = Variables,
        Model = Model,
        Parameters = Parameters,
        Tools = Tools,
        Output = Output,
    };
}
