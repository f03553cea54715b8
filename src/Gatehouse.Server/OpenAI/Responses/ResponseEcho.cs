using System.Text.Json;

namespace Gatehouse.OpenAI.Responses;

/// <summary>
/// What a response object repeats of its request, as OpenAI's does: the model as the client named
/// it, and the request's own JSON for <c>instructions</c>, <c>tools</c>, <c>tool_choice</c>,
/// <c>text</c>, <c>reasoning</c>, <c>metadata</c> and the sampling settings (null where it set none).
/// </summary>
internal sealed record ResponseEcho(string Model)
{
    public string? Instructions { get; init; }

    public string? ToolsJson { get; init; }

    public string? ToolChoiceJson { get; init; }

    public string? TextJson { get; init; }

    public string? ReasoningJson { get; init; }

    public string? MetadataJson { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? MaxOutputTokens { get; init; }

    public bool ParallelToolCalls { get; init; } = true;

    public bool Store { get; init; } = true;

    public string? PreviousResponseId { get; init; }

    public string? User { get; init; }

    /// <summary>Writes the echoed members into an open response object.</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        WriteString(json, "instructions"u8, Instructions);
        WriteRaw(json, "metadata"u8, MetadataJson ?? "{}");
        json.WriteString("model"u8, Model);
        json.WriteBoolean("parallel_tool_calls"u8, ParallelToolCalls);
        WriteNumber(json, "temperature"u8, Temperature ?? 1.0);
        WriteRaw(json, "tool_choice"u8, ToolChoiceJson ?? "\"auto\"");
        WriteRaw(json, "tools"u8, ToolsJson ?? "[]");
        WriteNumber(json, "top_p"u8, TopP ?? 1.0);
        if (MaxOutputTokens is { } max)
        {
            json.WriteNumber("max_output_tokens"u8, max);
        }
        else
        {
            json.WriteNull("max_output_tokens"u8);
        }

        WriteString(json, "previous_response_id"u8, PreviousResponseId);
        WriteRaw(json, "reasoning"u8, ReasoningJson ?? """{"effort":null,"summary":null}""");
        json.WriteBoolean("store"u8, Store);
        WriteRaw(json, "text"u8, TextJson ?? """{"format":{"type":"text"}}""");
        json.WriteString("truncation"u8, "disabled"u8);
        WriteString(json, "user"u8, User);
    }

    private static void WriteString(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, ReadOnlySpan<byte> name, double value) => json.WriteNumber(name, value);

    private static void WriteRaw(Utf8JsonWriter json, ReadOnlySpan<byte> name, string rawJson)
    {
        json.WritePropertyName(name);
        json.WriteRawValue(rawJson, skipInputValidation: true);
    }
}
