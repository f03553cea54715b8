using System.Text.Json;

namespace Gatehouse.Prompts;

/// <summary>
/// A version's content as the API and prompt files take it, beside whatever else the body carries
/// (the prompt's metadata, a note, labels). <see cref="ToDefinition"/> is what gets checked and stored.
/// </summary>
internal abstract record PromptContentBody
{
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
