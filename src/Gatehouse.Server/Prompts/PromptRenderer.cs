using System.Text.Json;
using HandlebarsDotNet;

namespace Gatehouse.Prompts;

/// <summary>
/// Renders a version with inputs, before any model is called. All problems are collected and
/// returned together; nothing is rendered unless there are none. Templates are compiled once per
/// version (<see cref="PromptTemplateCache"/>), and values are bound as data, never parsed as templates.
/// </summary>
internal sealed class PromptRenderer(PromptTemplateCache cache)
{
    public PromptRenderResult Render(PromptVersion version, IReadOnlyDictionary<string, JsonElement>? inputs)
    {
        ArgumentNullException.ThrowIfNull(version);
        var compiled = cache.Get(version);
        var errors = new FieldErrors();
        var effective = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var data = PromptInputChecker.Check(compiled.Variables, inputs, errors, effective);
        for (var i = 0; i < compiled.Messages.Count; i++)
        {
            if (compiled.Messages[i].SyntaxError is { } syntaxError)
            {
                errors.Add(ContentField(i), "Template syntax error: " + syntaxError);
            }
        }

        if (errors.Count > 0)
        {
            return PromptRenderResult.Failure(errors);
        }

        var messages = new RenderedMessage[compiled.Messages.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            try
            {
                messages[i] = new RenderedMessage(compiled.Messages[i].Role, compiled.Messages[i].Template!(data));
            }
            catch (HandlebarsException ex)
            {
                errors.Add(ContentField(i), "Template error: " + TemplateEngine.Describe(ex));
            }
        }

        return errors.Count > 0 ? PromptRenderResult.Failure(errors) : PromptRenderResult.Success(Build(version, messages, effective));
    }

    public static string ContentField(int message) => $"messages[{message}].content";

    private static RenderedPrompt Build(PromptVersion version, RenderedMessage[] messages, Dictionary<string, JsonElement> inputs)
    {
        var definition = version.Definition;
        var output = definition.Output;
        return new RenderedPrompt
        {
            Version = version,
            Messages = messages,
            Model = definition.Model!,
            Parameters = definition.Parameters,
            Tools = definition.Tools,
            ResponseSchema = output?.Schema,
            ResponseFormat = output?.Schema is { } schema ? PromptResponseFormat.From(schema, output.Name, output.Strict ?? false) : null,
            MaxRepairAttempts = output?.Schema is null ? 0 : output.MaxRepairAttempts ?? PromptOutput.DefaultMaxRepairAttempts,
            Inputs = inputs,
        };
    }
}
