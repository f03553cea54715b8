namespace Gatehouse.Prompts;

/// <summary>
/// What <see cref="PromptRenderer.Render"/> gives back: the rendered prompt, or every reason it could
/// not be rendered (missing, mistyped and unknown inputs, template errors) keyed by field.
/// </summary>
internal sealed record PromptRenderResult
{
    private PromptRenderResult(RenderedPrompt? prompt, IReadOnlyDictionary<string, string[]> errors)
    {
        Prompt = prompt;
        Errors = errors;
    }

    /// <summary>Set exactly when <see cref="Errors"/> is empty.</summary>
    public RenderedPrompt? Prompt { get; }

    /// <summary>Field (<c>inputs.tone</c>, <c>messages[0].content</c>) → messages; the <c>errors</c> of a ValidationProblem.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    public bool Succeeded => Prompt is not null;

    public static PromptRenderResult Success(RenderedPrompt prompt) => new(prompt, new Dictionary<string, string[]>());

    public static PromptRenderResult Failure(FieldErrors errors) => new(null, errors.ToDictionary());
}
