using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Microsoft.AspNetCore.Http.Features;
using Gatehouse.Records;

namespace Gatehouse.Gateway;

/// <summary>
/// Gives every authenticated call an id and exactly one record, whatever happens further in:
/// success, a rejected body, an upstream failure, the client hanging up, or a bug. The record is
/// in the journal before the client can see its answer complete: the client's body goes through an
/// <see cref="AnswerCompletionGate"/> that holds the answer's last bytes until the record is taken.
/// </summary>
internal sealed partial class RecordingStage(RequestRecordWriter writer, SecretScrubber scrubber, TimeProvider timeProvider, ILogger<RecordingStage> logger) : IGatewayStage
{
    /// <summary>nginx's convention for "the client closed the connection before the answer was complete".</summary>
    public const int ClientClosedRequest = 499;

    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        context.Http.Response.Headers[GatehouseHeaders.RequestId] = context.Call.RequestId.ToString();
        var inProcess = context.Http.Features.Get<InProcessCall>();
        // Without the journal a killed process loses queued records anyway: nothing to wait for.
        var gate = inProcess is null && writer.Journal is not null ? InstallGate(context) : null;
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.Aborted.IsCancellationRequested)
        {
            context.Outcome.Fail(ClientClosedRequest, "client_closed_request", "The client disconnected before the response was complete.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnhandled(ex, context.Call.RequestId);
            var error = new OpenAIError(StatusCodes.Status500InternalServerError, $"Gatehouse failed to process the request (request id {context.Call.RequestId}).", "server_error", Code: "internal_error");
            context.Outcome.Fail(error);
            if (!context.Http.Response.HasStarted && gate?.Body.HoldsCompletion != true)
            {
                await context.WriteErrorAsync(error);
            }
        }
        finally
        {
            if (gate is { } installed)
            {
                await FlushAsync(installed.Feature, context);
            }

            var record = BuildRecord(context);
            writer.Accept(record);
            if (inProcess is not null)
            {
                inProcess.Record = record;
            }

            if (gate is { } held)
            {
                await held.Body.ReleaseAsync(context.Aborted);
                context.Http.Features.Set(held.Original);
            }
        }
    }

    /// <summary>Puts the client's body behind a gate that keeps its completing bytes until the record is taken.</summary>
    private static GatedBody InstallGate(GatewayContext context)
    {
        var original = context.Http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var body = new AnswerCompletionGate(original.Stream, context.Http.Response, context.Call.Dialect.StreamEndMarkers);
        var feature = new StreamResponseBodyFeature(body, original);
        context.Http.Features.Set<IHttpResponseBodyFeature>(feature);
        return new GatedBody(body, feature, original);
    }

    /// <summary>Pushes what stages wrote to the body's pipe writer but did not flush into the gate.</summary>
    private static async Task FlushAsync(StreamResponseBodyFeature feature, GatewayContext context)
    {
        try
        {
            await feature.Writer.FlushAsync(context.Aborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The client is gone; the record already says so, or is about to.
        }
    }

    private RequestRecord BuildRecord(GatewayContext context) => new()
    {
        Id = context.Call.RequestId,
        Timestamp = timeProvider.GetUtcNow(),
        KeyId = context.Call.Caller?.KeyId,
        Endpoint = context.Call.EndpointName,
        RequestedModel = context.Call.Request?.Model,
        Deployment = context.Outcome.Deployment?.Name,
        Provider = context.Outcome.Deployment?.Provider.Name,
        StatusCode = context.Outcome.StatusCode,
        // Upstream text is scrubbed where it enters; this is the net under every path that stores it.
        ErrorClass = scrubber.ScrubOrNull(context.Outcome.ErrorClass),
        ErrorMessage = scrubber.ScrubOrNull(context.Outcome.ErrorMessage),
        InputTokens = context.Outcome.Usage.InputTokens,
        OutputTokens = context.Outcome.Usage.OutputTokens,
        CachedInputTokens = context.Outcome.Usage.CachedInputTokens,
        CacheWriteInputTokens = context.Outcome.Usage.CacheWriteInputTokens,
        ReasoningTokens = context.Outcome.Usage.ReasoningTokens,
        UsageEstimated = context.Outcome.Usage.Estimated,
        CostUsd = context.Outcome.CostUsd,
        LatencyMs = timeProvider.GetElapsedTime(context.Call.StartTimestamp).TotalMilliseconds,
        TimeToFirstTokenMs = context.Outcome.TimeToFirstTokenMs,
        Streamed = context.Call.Request?.Stream ?? false,
        FailedAttempts = context.Outcome.FailedAttempts is { Count: > 0 } failed ? string.Join(", ", failed) : null,
        CacheStatus = context.Outcome.CacheStatus,
        ToolsOffered = context.Outcome.Tools?.Offered,
        ToolsSent = context.Outcome.Tools?.Sent,
        ToolTokensOffered = context.Outcome.Tools?.OfferedTokens,
        ToolTokensSent = context.Outcome.Tools?.SentTokens,
        ToolSearchRounds = context.Outcome.Tools?.SearchRounds,
    };

    /// <summary>The client's body while the gate is in: the gate, the feature that writes through it, and the one it replaced.</summary>
    private sealed record GatedBody(AnswerCompletionGate Body, StreamResponseBodyFeature Feature, IHttpResponseBodyFeature Original);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}.")]
    private partial void LogUnhandled(Exception exception, Guid requestId);
}
