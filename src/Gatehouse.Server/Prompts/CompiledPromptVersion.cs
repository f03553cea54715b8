using HandlebarsDotNet;

namespace Gatehouse.Prompts;

/// <summary>A version ready to render: each message's compiled template (or its syntax error) and the parsed variables.</summary>
internal sealed class CompiledPromptVersion
{
    private CompiledPromptVersion(IReadOnlyList<CompiledMessage> messages, IReadOnlyList<VariableSpec> variables)
    {
        Messages = messages;
        Variables = variables;
    }

    public IReadOnlyList<CompiledMessage> Messages { get; }

    public IReadOnlyList<VariableSpec> Variables { get; }

    public static CompiledPromptVersion Compile(PromptDefinition definition)
    {
        var messages = new List<CompiledMessage>();
        foreach (var message in definition.Messages ?? [])
        {
            var (template, error) = TemplateEngine.Compile(message.Content ?? "");
            messages.Add(new CompiledMessage(message.Role ?? "user", template, error));
        }

        return new CompiledPromptVersion(messages, [.. (definition.Variables ?? []).Select(VariableSpec.From)]);
    }
}

/// <summary>One message's role and compiled content template; <see cref="SyntaxError"/> instead when it did not compile.</summary>
internal sealed record CompiledMessage(string Role, HandlebarsTemplate<object, object>? Template, string? SyntaxError);
