using System.Text.Json;

namespace Gatehouse.Prompts;

/// <summary>A version as the API shows it: its content as stored (normalized) and the labels that point at it.</summary>
internal sealed record PromptVersionResponse(
    string PromptId,
    int Version,
    IReadOnlyList<string> Labels,
    string? Note,
    string ContentHash,
    string CreatedByKey,
    DateTimeOffset CreatedAt,
    IReadOnlyList<PromptMessageTemplate> Messages,
    IReadOnlyList<PromptVariable> Variables,
    string Model,
    JsonElement? Parameters,
    JsonElement? Tools,
    PromptOutput? Output)
{
    public static PromptVersionResponse From(Prompt prompt, PromptVersion version) => new(
        version.PromptId,
        version.Version,
        [.. prompt.Labels.Where(l => l.Value == version.Version).Select(static l => l.Key).Order(StringComparer.Ordinal)],
        version.Note,
        version.ContentHash,
        version.CreatedByKey,
        version.CreatedAt,
        version.Definition.Messages ?? [],
        version.Definition.Variables ?? [],
        version.Definition.Model ?? "",
        version.Definition.Parameters,
        version.Definition.Tools,
        version.Definition.Output);
}
