using System.Text.Json;

namespace Gatehouse.Prompts;

internal static partial class PromptDefinitionValidator
{
    private static PromptOutput? ValidateOutput(PromptOutput? output, FieldErrors errors)
    {
        if (output is null)
        {
            return null;
        }

        if (output.Schema is not { } schema || schema.ValueKind == JsonValueKind.Null)
        {
            errors.Add("output.schema", "An output needs a JSON Schema the answer must match (omit 'output' for free text).");
        }
        else
        {
            foreach (var problem in PromptSchemaCheck.Problems(schema))
            {
                errors.Add("output.schema", problem);
            }
        }

        var name = output.Name?.Trim();
        if (name is not null && !ToolName().IsMatch(name))
        {
            errors.Add("output.name", "The schema name is 1 to 64 letters, digits, '_' and '-'.");
        }

        if (output.MaxRepairAttempts is < 0 or > PromptOutput.MostRepairAttempts)
        {
            errors.Add("output.maxRepairAttempts", $"From 0 (no repair) to {PromptOutput.MostRepairAttempts}.");
        }

        return new PromptOutput
        {
            Schema = output.Schema?.Clone(),
            Name = name ?? PromptResponseFormat.DefaultName,
            Strict = output.Strict ?? false,
            MaxRepairAttempts = output.MaxRepairAttempts ?? PromptOutput.DefaultMaxRepairAttempts,
        };
    }
}
