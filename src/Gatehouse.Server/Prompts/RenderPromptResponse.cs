using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Prompts;

/// <summary>What <c>/render</c> shows: the rendered messages and settings, and the exact chat request an execution would send.</summary>
internal sealed record RenderPromptResponse(
    string PromptId,
    string Slug,
    int Version,
    string? Label,
    string Model,
    IReadOnlyList<RenderedMessage> Messages,
    JsonElement? Parameters,
    JsonElement? Tools,
    JsonElement? ResponseFormat,
    int MaxRepairAttempts,
    IReadOnlyDictionary<string, JsonElement> Inputs,
    JsonObject Request)
{
    public static RenderPromptResponse From(Prompt prompt, string? label, RenderedPrompt rendered) => new(
        prompt.Id,
        prompt.Slug,
        rendered.Version.Version,
        label,
        rendered.Model,
        rendered.Messages,
        rendered.Parameters,
        rendered.Tools,
        rendered.ResponseFormat,
        rendered.MaxRepairAttempts,
        rendered.Inputs,
        rendered.ToChatRequest());
}
