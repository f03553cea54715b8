using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>
/// The output contract of a version: the JSON Schema the answer must match (sent to the model as
/// <c>response_format: json_schema</c> and validated by the execution) and how many repair attempts
/// (the answer's validation errors fed back to the model) an execution may make.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record PromptOutput
{
    /// <summary>Default for <see cref="MaxRepairAttempts"/>: one second chance.</summary>
    public const int DefaultMaxRepairAttempts = 1;

    public const int MostRepairAttempts = 5;

    public JsonElement? Schema { get; init; }

    /// <summary>The schema's name in <c>response_format</c> (letters, digits, <c>_</c>, <c>-</c>; default <c>output</c>).</summary>
    public string? Name { get; init; }

    /// <summary>Asks the provider for strict schema adherence (OpenAI's <c>strict</c>); default false.</summary>
    public bool? Strict { get; init; }

    /// <summary>0 to <see cref="MostRepairAttempts"/>; default <see cref="DefaultMaxRepairAttempts"/>.</summary>
    public int? MaxRepairAttempts { get; init; }
}
