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
        context.Http.Response.Headers[GatehouseHeaders.RequestId] = context.RequestId.ToString();
        var inProcess = context.Http.Features.Get<InProcessCall>();
        // Without the journal a killed process loses queued records anyway: nothing to wait for.
        var gate = inProcess is null && writer.Journal is not null ? InstallGate(context) : null;
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
        var body = new AnswerCompletionGate(original.Stream, context.Http.Response, AnswerCompletionGate.StreamEndMarker(context.Dialect));
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
        Id = context.RequestId,
        Timestamp = timeProvider.GetUtcNow(),
        KeyId = context.Caller?.KeyId,
        Endpoint = context.EndpointName,
        RequestedModel = context.Request?.Model,
        Deployment = context.Deployment?.Name,
        Provider = context.Deployment?.Provider.Name,
        StatusCode = context.StatusCode,
        // Upstream text is scrubbed where it enters; this is the net under every path that stores it.
        ErrorClass = scrubber.ScrubOrNull(context.ErrorClass),
        ErrorMessage = scrubber.ScrubOrNull(context.ErrorMessage),
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

    /// <summary>The client's body while the gate is in: the gate, the feature that writes through it, and the one it replaced.</summary>
    private sealed record GatedBody(AnswerCompletionGate Body, StreamResponseBodyFeature Feature, IHttpResponseBodyFeature Original);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}.")]
    private partial void LogUnhandled(Exception exception, Guid requestId);
}
