using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>A typed variable a version's templates use, declared so inputs can be checked before any model is called.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record PromptVariable
{
    /// <summary>Letters, digits and <c>_</c>, starting with a letter or <c>_</c>: what <c>{{name}}</c> refers to.</summary>
    public string? Name { get; init; }

    /// <summary><c>string</c>, <c>number</c>, <c>boolean</c>, <c>enum</c>, <c>array</c> or <c>object</c>.</summary>
    public string? Type { get; init; }

    /// <summary>A required variable must be given (a default does not count); optional ones without a default are empty.</summary>
    public bool Required { get; init; }

    /// <summary>The value used when the input leaves the variable out; must have the variable's type.</summary>
    public JsonElement? Default { get; init; }

    public string? Description { get; init; }

    /// <summary>The allowed values of an <c>enum</c> variable.</summary>
    public IReadOnlyList<string>? Values { get; init; }
}
