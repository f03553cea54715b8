namespace Gatehouse.Prompts;

/// <summary>The JSON type an input must have; <see cref="Enum"/> is a string from a declared list.</summary>
internal enum PromptVariableType
{
    String,
    Number,
    Boolean,
    Enum,
    Array,
    Object,
}
