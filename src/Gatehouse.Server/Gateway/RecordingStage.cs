using Gatehouse.Providers;
using Gatehouse.OpenAI;
using Gatehouse.Records;

namespace Gatehouse.Gateway;

/// <summary>
/// Gives every authenticated call an id and exactly one record, whatever happens further in:
/// success, a rejected body, an upstream failure, the client hanging up, or a bug.
/// </summary>
internal sealed partial class RecordingStage(RequestRecordWriter writer, TimeProvider timeProvider, ILogger<RecordingStage> logger) : IGatewayStage
{
    /// <summary>nginx's convention for "the client closed the connection before the answer was complete".</summary>
    public const int ClientClosedRequest = 499;

    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        context.Http.Response.Headers[GatehouseHeaders.RequestId] = context.RequestId.ToString();
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.Aborted.IsCancellationRequested)
        {
            context.StatusCode = ClientClosedRequest;
            context.ErrorClass = "client_closed_request";
            context.ErrorMessage = "The client disconnected before the response was complete.";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnhandled(ex, context.RequestId);
            var error = new OpenAIError(StatusCodes.Status500InternalServerError, $"Gatehouse failed to process the request (request id {context.RequestId}).", "server_error", Code: "internal_error");
            context.Fail(error);
            if (!context.Http.Response.HasStarted)
            {
                await context.WriteErrorAsync(error);
            }
        }
        finally
        {
            var record = BuildRecord(context);
            writer.TryEnqueue(record);
            if (context.Http.Features.Get<InProcessCall>() is { } inProcess)
            {
                inProcess.Record = record;
            }
        }
    }

    private RequestRecord BuildRecord(GatewayContext context) => new()
    {
        Id = context.RequestId,
        Timestamp = timeProvider.GetUtcNow(),
        KeyId = context.Caller?.KeyId,
        Endpoint = context.EndpointName,
        RequestedModel = context.Request?.Model,
        Deployment = context.Deployment?.Name,
        Provider = context.Deployment?.Provider.Name,
        StatusCode = context.StatusCode,
        ErrorClass = context.ErrorClass,
        ErrorMessage = context.ErrorMessage,
        InputTokens = context.Usage.InputTokens,
        OutputTokens = context.Usage.OutputTokens,
        CachedInputTokens = context.Usage.CachedInputTokens,
        CacheWriteInputTokens = context.Usage.CacheWriteInputTokens,
        ReasoningTokens = context.Usage.ReasoningTokens,
        UsageEstimated = context.Usage.Estimated,
        CostUsd = context.CostUsd,
        LatencyMs = timeProvider.GetElapsedTime(context.StartTimestamp).TotalMilliseconds,
        TimeToFirstTokenMs = context.TimeToFirstTokenMs,
        Streamed = context.Request?.Stream ?? false,
        FailedAttempts = context.FailedAttempts is { Count: > 0 } failed ? string.Join(", ", failed) : null,
        CacheStatus = context.CacheStatus,
        ToolsOffered = context.Tools?.Offered,
        ToolsSent = context.Tools?.Sent,
        ToolTokensOffered = context.Tools?.OfferedTokens,
        ToolTokensSent = context.Tools?.SentTokens,
        ToolSearchRounds = context.Tools?.SearchRounds,
    };

    [LoggerMessage(EventId = 1401, Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}.")]
    private partial void LogUnhandled(Exception exception, Guid requestId);
}
