using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>
/// The content of a prompt version, exactly as the API takes it, stores it and shows it. Fields are
/// nullable because requests and files are checked by <see cref="PromptDefinitionValidator"/>
/// field by field; a stored definition has passed it and been normalized.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record PromptDefinition
{
    /// <summary>Chat messages whose content is a Handlebars template.</summary>
    public IReadOnlyList<PromptMessageTemplate>? Messages { get; init; }

    public IReadOnlyList<PromptVariable>? Variables { get; init; }

    /// <summary>A model alias from configuration (<c>sim-small</c>, <c>gpt-4o</c>…).</summary>
    public string? Model { get; init; }

    /// <summary>Chat-completion parameters under OpenAI's names (<c>temperature</c>, <c>max_tokens</c>, <c>top_p</c>…), merged into the request as given.</summary>
    public JsonElement? Parameters { get; init; }

    /// <summary>OpenAI tool definitions (<c>[{"type":"function","function":{…}}]</c>), sent as given.</summary>
    public JsonElement? Tools { get; init; }

    /// <summary>What the answer must be: a JSON Schema and how often to ask for a repair; null = free text.</summary>
    public PromptOutput? Output { get; init; }
}
