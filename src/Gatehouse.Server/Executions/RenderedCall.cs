using System.Text.Json;

namespace Gatehouse.Executions;

/// <summary>
/// A prompt version rendered for one execution: everything the model call needs, nothing about how
/// it was rendered. Stored with the execution, so a retry re-runs exactly this.
/// </summary>
internal sealed record RenderedCall
{
    /// <summary>The model alias the version names (an override may replace it for one execution).</summary>
    public required string Model { get; init; }

    /// <summary>OpenAI chat messages, a JSON array, as rendered.</summary>
    public required JsonElement Messages { get; init; }

    /// <summary>A JSON object whose members are copied into the request as they are: <c>temperature</c>, <c>max_tokens</c>, <c>top_p</c>, <c>tool_choice</c>, <c>seed</c>, <c>response_format</c>…</summary>
    public JsonElement? Parameters { get; init; }

    /// <summary>OpenAI tools, a JSON array.</summary>
    public JsonElement? Tools { get; init; }

    /// <summary>A JSON Schema the output must satisfy; the output is then parsed as JSON and validated.</summary>
    public JsonElement? OutputSchema { get; init; }

    /// <summary>Parse the output as JSON even without a schema (it must then be valid JSON).</summary>
    public bool JsonOutput { get; init; }

    /// <summary>How many times a failed validation is sent back to the model with its errors (0 = never).</summary>
    public int MaxRepairAttempts { get; init; }
}
