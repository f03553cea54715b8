using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>One chat message of a version: a role and a Handlebars template for its content.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record PromptMessageTemplate
{
    /// <summary><c>system</c>, <c>developer</c>, <c>user</c> or <c>assistant</c>.</summary>
    public string? Role { get; init; }

    public string? Content { get; init; }
}
