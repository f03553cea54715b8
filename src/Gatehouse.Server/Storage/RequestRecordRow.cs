using Gatehouse.Records;

namespace Gatehouse.Storage;

/// <summary>A <c>request_records</c> row as the database returns it; Dapper fills it by column alias.</summary>
internal sealed class RequestRecordRow
{
    public string Id { get; set; } = "";
    public long TimestampUs { get; set; }
    public string? KeyId { get; set; }
    public string Endpoint { get; set; } = "";
    public string? RequestedModel { get; set; }
    public string? Deployment { get; set; }
    public string? Provider { get; set; }
    public long StatusCode { get; set; }
    public string? ErrorClass { get; set; }
    public string? ErrorMessage { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CachedInputTokens { get; set; }

    public long CacheWriteInputTokens { get; set; }
    public long ReasoningTokens { get; set; }
    public long UsageEstimated { get; set; }
    public long CostPusd { get; set; }
    public double LatencyMs { get; set; }
    public double? TimeToFirstTokenMs { get; set; }
    public long Streamed { get; set; }

    public string? FailedAttempts { get; set; }

    public string? CacheStatus { get; set; }

    public long? ToolsOffered { get; set; }

    public long? ToolsSent { get; set; }

    public long? ToolTokensOffered { get; set; }

    public long? ToolTokensSent { get; set; }

    public long? ToolSearchRounds { get; set; }

    public RequestRecord ToRecord() => new()
    {
        Id = Guid.ParseExact(Id, "D"),
        Timestamp = StorageValues.FromUnixMicroseconds(TimestampUs),
        KeyId = KeyId,
        Endpoint = Endpoint,
        RequestedModel = RequestedModel,
        Deployment = Deployment,
        Provider = Provider,
        StatusCode = checked((int)StatusCode),
        ErrorClass = ErrorClass,
        ErrorMessage = ErrorMessage,
        InputTokens = checked((int)InputTokens),
        OutputTokens = checked((int)OutputTokens),
        CachedInputTokens = checked((int)CachedInputTokens),
        CacheWriteInputTokens = checked((int)CacheWriteInputTokens),
        ReasoningTokens = checked((int)ReasoningTokens),
        UsageEstimated = UsageEstimated != 0,
        CostUsd = StorageValues.FromPicoDollars(CostPusd),
        LatencyMs = LatencyMs,
        TimeToFirstTokenMs = TimeToFirstTokenMs,
        Streamed = Streamed != 0,
        FailedAttempts = FailedAttempts,
        CacheStatus = CacheStatus,
        ToolsOffered = ToolsOffered is { } offered ? checked((int)offered) : null,
        ToolsSent = ToolsSent is { } sent ? checked((int)sent) : null,
        ToolTokensOffered = ToolTokensOffered is { } tokensOffered ? checked((int)tokensOffered) : null,
        ToolTokensSent = ToolTokensSent is { } tokensSent ? checked((int)tokensSent) : null,
        ToolSearchRounds = ToolSearchRounds is { } rounds ? checked((int)rounds) : null,
    };
}
