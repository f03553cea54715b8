namespace Gatehouse.Prompts;

/// <summary>
/// Checks a version's content before it is stored — every field, every problem at once, each under
/// the field to fix — and returns it normalized (roles and types lower-case, output defaults
/// filled), so equal content always hashes the same. A stored version therefore always compiles
/// and refers only to variables it declares.
/// </summary>
internal static partial class PromptDefinitionValidator
{
    public const int MaxMessages = 100;
    public const int MaxTemplateLength = 200_000;

    private static readonly string[] s_roles = ["system", "developer", "user", "assistant"];

    /// <param name="modelExists">Whether a model alias is configured; null skips that check.</param>
    public static PromptDefinition Validate(PromptDefinition definition, Func<string, bool>? modelExists, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var variables = ValidateVariables(definition.Variables, errors);
        var messages = ValidateMessages(definition.Messages, variables, errors);
        var model = definition.Model?.Trim();
        if (string.IsNullOrEmpty(model))
        {
            errors.Add("model", "A version needs a model: a model alias such as 'sim-small'.");
        }
        else if (modelExists is not null && !modelExists(model))
        {
            errors.Add("model", $"No model '{model}' is configured.");
        }

        ValidateParameters(definition.Parameters, errors);
        ValidateTools(definition.Tools, errors);
        var output = ValidateOutput(definition.Output, errors);
        return new PromptDefinition
        {
            Messages = messages,
            Variables = variables,
            Model = model,
            Parameters = definition.Parameters is { ValueKind: System.Text.Json.JsonValueKind.Object } p ? p.Clone() : null,
            Tools = definition.Tools is { ValueKind: System.Text.Json.JsonValueKind.Array } t ? t.Clone() : null,
            Output = output,
        };
    }

    private static List<PromptMessageTemplate> ValidateMessages(IReadOnlyList<PromptMessageTemplate>? messages, List<PromptVariable> variables, FieldErrors errors)
    {
        var normalized = new List<PromptMessageTemplate>();
        if (messages is not { Count: > 0 })
        {
            errors.Add("messages", "A version needs at least one message.");
            return normalized;
        }

        if (messages.Count > MaxMessages)
        {
            errors.Add("messages", $"At most {MaxMessages} messages.");
        }

        var declared = variables.Where(v => v.Name is not null).Select(v => v.Name!).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var role = message?.Role?.Trim().ToLowerInvariant();
            if (role is null || !s_roles.Contains(role))
            {
                errors.Add($"messages[{i}].role", $"The role must be one of: {string.Join(", ", s_roles)}.");
            }

            var content = message?.Content;
            var field = PromptRenderer.ContentField(i);
            if (string.IsNullOrWhiteSpace(content))
            {
                errors.Add(field, "A message needs content.");
            }
            else if (content.Length > MaxTemplateLength)
            {
                errors.Add(field, $"The template is longer than {MaxTemplateLength} characters.");
            }
            else if (TemplateEngine.Compile(content).Error is { } syntaxError)
            {
                errors.Add(field, "Template syntax error: " + syntaxError);
            }
            else
            {
                foreach (var problem in TemplateReferenceScanner.Problems(content, declared))
                {
                    errors.Add(field, problem);
                }
            }

            normalized.Add(new PromptMessageTemplate { Role = role, Content = content });
        }

        return normalized;
    }
}
