using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Gatehouse.Executions;

namespace Gatehouse.Storage;

/// <summary>An <c>executions</c> row as the database holds it; Dapper fills it by column alias and binds it by property name.</summary>
internal sealed class ExecutionRow
{
    public const string Columns =
        """
        id AS Id, created_at_us AS CreatedAtUs, completed_at_us AS CompletedAtUs, prompt_id AS PromptId, prompt_slug AS PromptSlug,
        prompt_version_id AS PromptVersionId, label AS Label, key_id AS KeyId, owner AS Owner, status AS Status,
        error_class AS ErrorClass, error_message AS ErrorMessage, retryable AS Retryable, repair_count AS RepairCount,
        attempts AS Attempts, inputs AS Inputs, raw_output AS RawOutput, output AS Output, tool_calls AS ToolCalls,
        validation_status AS ValidationStatus, validation_errors AS ValidationErrors, model AS Model, deployment AS Deployment,
        input_tokens AS InputTokens, output_tokens AS OutputTokens, cost_pusd AS CostPusd, latency_ms AS LatencyMs,
        cache_status AS CacheStatus, streamed AS Streamed, retry_of AS RetryOf, rendered_call AS RenderedCall, overrides AS Overrides
        """;

    public string Id { get; set; } = "";
    public long CreatedAtUs { get; set; }
    public long CompletedAtUs { get; set; }
    public string? PromptId { get; set; }
    public string? PromptSlug { get; set; }
    public string? PromptVersionId { get; set; }
    public string? Label { get; set; }
    public string KeyId { get; set; } = "";
    public string? Owner { get; set; }
    public string Status { get; set; } = "";
    public string? ErrorClass { get; set; }
    public string? ErrorMessage { get; set; }
    public long Retryable { get; set; }
    public long RepairCount { get; set; }
    public string Attempts { get; set; } = "[]";
    public string? Inputs { get; set; }
    public string? RawOutput { get; set; }
    public string? Output { get; set; }
    public string? ToolCalls { get; set; }
    public string ValidationStatus { get; set; } = "";
    public string ValidationErrors { get; set; } = "[]";
    public string Model { get; set; } = "";
    public string? Deployment { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CostPusd { get; set; }
    public double LatencyMs { get; set; }
    public string? CacheStatus { get; set; }
    public long Streamed { get; set; }
    public string? RetryOf { get; set; }
    public string RenderedCall { get; set; } = "";
    public string? Overrides { get; set; }

    private static ExecutionJsonContext Json => ExecutionJsonContext.Default;

    public static ExecutionRow From(Execution e) => new()
    {
        Id = StorageValues.ToText(e.Id),
        CreatedAtUs = StorageValues.ToUnixMicroseconds(e.CreatedAt),
        CompletedAtUs = StorageValues.ToUnixMicroseconds(e.CompletedAt),
        PromptId = e.PromptId,
        PromptSlug = e.PromptSlug,
        PromptVersionId = e.PromptVersionId,
        Label = e.Label,
        KeyId = e.KeyId,
        Owner = e.Owner,
        Status = e.Status,
        ErrorClass = e.ErrorClass,
        ErrorMessage = e.ErrorMessage,
        Retryable = StorageValues.ToInteger(e.Retryable),
        RepairCount = e.RepairCount,
        Attempts = JsonSerializer.Serialize(e.Attempts.ToArray(), Json.ExecutionAttemptArray),
        Inputs = ToText(e.Inputs),
        RawOutput = e.RawOutput,
        Output = ToText(e.Output),
        ToolCalls = ToText(e.ToolCalls),
        ValidationStatus = e.ValidationStatus,
        ValidationErrors = JsonSerializer.Serialize(e.ValidationErrors.ToArray(), Json.ValidationIssueArray),
        Model = e.Model,
        Deployment = e.Deployment,
        InputTokens = e.InputTokens,
        OutputTokens = e.OutputTokens,
        CostPusd = StorageValues.ToPicoDollars(e.CostUsd),
        LatencyMs = e.LatencyMs,
        CacheStatus = e.CacheStatus,
        Streamed = StorageValues.ToInteger(e.Streamed),
        RetryOf = e.RetryOf is { } retryOf ? StorageValues.ToText(retryOf) : null,
        RenderedCall = JsonSerializer.Serialize(e.Call, Json.RenderedCall),
        Overrides = e.Overrides is null ? null : JsonSerializer.Serialize(e.Overrides, Json.ExecutionOverrides),
    };

    public Execution ToExecution()
    {
        var call = Parse(RenderedCall, Json.RenderedCall)!;
        return new()
        {
            Id = Guid.ParseExact(Id, "D"),
            CreatedAt = StorageValues.FromUnixMicroseconds(CreatedAtUs),
            CompletedAt = StorageValues.FromUnixMicroseconds(CompletedAtUs),
            PromptId = PromptId,
            PromptSlug = PromptSlug,
            PromptVersionId = PromptVersionId,
            Label = Label,
            KeyId = KeyId,
            Owner = Owner,
            Status = Status,
            ErrorClass = ErrorClass,
            ErrorMessage = ErrorMessage,
            Retryable = Retryable != 0,
            RepairCount = checked((int)RepairCount),
            Attempts = Parse(Attempts, Json.ExecutionAttemptArray) ?? [],
            Inputs = ToElement(Inputs),
            RawOutput = RawOutput,
            Output = ToElement(Output),
            ToolCalls = ToElement(ToolCalls),
            ValidationStatus = ValidationStatus,
            ValidationErrors = Parse(ValidationErrors, Json.ValidationIssueArray) ?? [],
            Model = Model,
            Deployment = Deployment,
            InputTokens = checked((int)InputTokens),
            OutputTokens = checked((int)OutputTokens),
            CostUsd = StorageValues.FromPicoDollars(CostPusd),
            LatencyMs = LatencyMs,
            CacheStatus = CacheStatus,
            Streamed = Streamed != 0,
            RetryOf = RetryOf is null ? null : Guid.ParseExact(RetryOf, "D"),
            Call = call,
            Messages = call.Messages,
            Overrides = Overrides is null ? null : Parse(Overrides, Json.ExecutionOverrides),
        };
    }

    private static string? ToText(JsonElement? value) => value is { } v ? v.GetRawText() : null;

    private static JsonElement? ToElement(string? text) => text is null ? null : JsonDocument.Parse(text).RootElement.Clone();

    private static T? Parse<T>(string text, JsonTypeInfo<T> type) => JsonSerializer.Deserialize(text, type);
}
