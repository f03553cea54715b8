using System.Buffers;
using System.IO.Pipelines;
using Gatehouse.Gateway.Dialects;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Resilience;

namespace Gatehouse.Gateway;

/// <summary>
/// Relays an SSE stream line by line as it arrives, flushing after every upstream read. It watches
/// the stream for the usage chunk (forced on upstream, removed again when the client did not ask
/// for it, with the <c>usage</c> field of every other chunk) and for its integrity: a stream that ends without <c>[DONE]</c>, breaks, stalls past the
/// deployment's idle timeout, sends an unparseable event or reports an error gets an error event
/// and then an aborted body, so a cut answer is never presented as complete. Until the first event
/// is forwarded nothing has been sent, and a failure is the attempt's result (an
/// <see cref="AttemptFailure"/> for the forwarding stage to retry, fall back on, or answer with).
/// </summary>
internal sealed partial class StreamRelay(UsageMeter meter, SecretScrubber scrubber, TimeProvider timeProvider)
{
    private static readonly TimeSpan AbortGrace = TimeSpan.FromMilliseconds(100);

    /// <summary>Relays the stream; null once the client was answered (in full, or cut with an error event), else the failure before anything was sent.</summary>
    public async Task<AttemptFailure?> RelayAsync(GatewayContext context, HttpResponseMessage upstream, CancellationToken cancellationToken)
    {
        var state = new StreamState(context.Call.Request!.ClientRequestedUsage);
        // A translated stream may report the prompt's tokens before the upstream's usage exists (Anthropic's message_start does): counted once per call.
        var estimatedInputTokens = context.AnswerTranslated && context.Call.Dialect.StreamStartsWithInputTokens ? meter.EstimateInput(context) : 0;
        await using var output = new StreamOutput(context, upstream, estimatedInputTokens);
        var (failure, message) = await RelayEventsAsync(context, upstream, state, output, cancellationToken);
        Settle(context, state);

        if (failure is not { } f)
        {
            await output.CompleteAsync();
            return null;
        }

        if (!output.Started)
        {
            // Nothing reached the client: an ordinary error, or a fallback to the next deployment.
            return await context.AttemptFailedAsync(f, message!);
        }

        var error = OpenAIError.Upstream(f.StatusCode(), message!, f.ErrorClass());

        // The client already has part of the answer: the status stays 200, the error class says what happened.
        context.Outcome.ErrorClass = error.ErrorClass;
        context.Outcome.ErrorMessage = message;
        if (!state.UpstreamErrorForwarded)
        {
            if (context.NativeUpstream is { } native)
            {
                native.WriteStreamError(output.Writer, error);
            }
            else
            {
                OpenAIErrorWriter.WriteStreamEvent(output.Writer, error);
            }

            await output.Writer.FlushAsync(context.Aborted);
        }

        await output.CompleteAsync();
        await AbortBodyAsync(context.Http, timeProvider);
        return null;
    }

    /// <summary>
    /// Ends a started body without its final chunk: SDKs that ignore error events (the OpenAI .NET
    /// SDK does) still see a failed read, not a clean end. Abort drops bytes not yet on the socket,
    /// so the error event gets a moment to leave first.
    /// </summary>
    public static async Task AbortBodyAsync(HttpContext http, TimeProvider timeProvider)
    {
        await Task.Delay(AbortGrace, timeProvider, CancellationToken.None);
        http.Abort();
    }

    private async Task<(UpstreamFailure? Failure, string? Message)> RelayEventsAsync(
        GatewayContext context, HttpResponseMessage upstream, StreamState state, StreamOutput output, CancellationToken cancellationToken)
    {
        var deployment = context.Outcome.Deployment!;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await using var stream = await upstream.Content.ReadAsStreamAsync(cancellationToken);
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024));
            while (true)
            {
                // Before the first event the first-token limit applies (when set), after it the idle limit.
                idle.CancelAfter(!output.Started && deployment.FirstTokenTimeout is { } first ? first : deployment.StreamIdleTimeout);
                var result = await reader.ReadAsync(idle.Token);
                var buffer = result.Buffer;
                var wrote = false;
                while (state.Failure is null && TryReadLine(ref buffer, out var line))
                {
                    wrote |= ProcessLine(context, state, line, output);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (wrote)
                {
                    await output.Writer.FlushAsync(context.Aborted);
                }

                if (state.Failure is { } failure)
                {
                    return (failure, state.FailureMessage);
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }

            await reader.CompleteAsync();
            return state.Done ? (null, null) : (UpstreamFailure.StreamInterrupted, "The upstream stream ended before it was complete (no [DONE]).");
        }
        catch (OperationCanceledException) when (!context.Aborted.IsCancellationRequested)
        {
            return cancellationToken.IsCancellationRequested
                ? (UpstreamFailure.Timeout, $"The upstream stream did not finish within {deployment.Timeout.TotalSeconds:0.###} s.")
                : !output.Started && deployment.FirstTokenTimeout is { } first
                    ? (UpstreamFailure.Timeout, $"The upstream sent no first token within {first.TotalSeconds:0.###} s.")
                    : (UpstreamFailure.StreamStalled, $"The upstream stream sent nothing for {deployment.StreamIdleTimeout.TotalSeconds:0.###} s.");
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !context.Aborted.IsCancellationRequested)
        {
            return (UpstreamFailure.StreamInterrupted, $"The upstream stream broke: {ex.Message}");
        }
    }

    private void Settle(GatewayContext context, StreamState state)
    {
        var usage = state.Usage ?? meter.Estimate(context, state.GeneratedText());
        UsageMeter.Settle(context, usage, state.Tier);
    }

    /// <summary>Forwards one line (or drops it); returns true when bytes were written.</summary>
    private bool ProcessLine(GatewayContext context, StreamState state, ReadOnlySequence<byte> sequence, StreamOutput output)
    {
        var line = sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();
        var content = line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

        if (content.IsEmpty && state.SkipNextBlankLine)
        {
            state.SkipNextBlankLine = false;
            return false;
        }

        var errorForwarded = state.UpstreamErrorForwarded;
        Range? usageField = null;
        if (content.StartsWith("data:"u8))
        {
            var payload = content[5..].TrimStart((byte)' ');
            if (payload.SequenceEqual("[DONE]"u8))
            {
                state.Done = true;
            }
            else if (!OnEvent(context, state, payload))
            {
                return false;
            }
            else if (!state.ClientWantsUsage && context.NativeUpstream is null && ChunkUsageField.TryFind(payload, out var cut))
            {
                var offset = content.Length - payload.Length;
                usageField = (offset + cut.Start.Value)..(offset + cut.End.Value);
            }
        }

        var writer = output.Writer;
        if (state.UpstreamErrorForwarded && !errorForwarded)
        {
            // The upstream's error event, in its own words but without any credential it echoes.
            writer.Write(scrubber.Scrub(line.ToArray()).Span);
        }
        else if (usageField is { } field)
        {
            // The usage we asked for on the client's behalf: the chunk as it would have come without it.
            writer.Write(line[..field.Start.Value]);
            writer.Write(line[field.End.Value..]);
        }
        else
        {
            writer.Write(line);
        }

        writer.Write("\n"u8);
        return true;
    }

    /// <summary>Inspects one chunk; returns false when it must not be forwarded.</summary>
    private bool OnEvent(GatewayContext context, StreamState state, ReadOnlySpan<byte> payload)
    {
        if (!SseEvents.IsCompleteJson(payload))
        {
            state.Fail(UpstreamFailure.MalformedResponse, "The upstream sent a stream event that is not valid JSON.");
            return false;
        }

        context.Outcome.TimeToFirstTokenMs ??= timeProvider.GetElapsedTime(context.Call.StartTimestamp).TotalMilliseconds;
        if (context.NativeUpstream is { } native)
        {
            OnNativeEvent(native, state, payload);
            return true;
        }

        if (SseEvents.IsErrorEvent(payload))
        {
            // Pass the upstream's own words on, then end: nothing more will come.
            state.UpstreamErrorForwarded = true;
            state.Fail(UpstreamFailure.StreamError, scrubber.ScrubOrNull(SseEvents.ErrorMessage(payload)) ?? "The upstream reported an error inside the stream.");
            return true;
        }

        if (OpenAIUsageReader.MayContainUsage(payload) && OpenAIUsageReader.TryRead(payload, out var usage, out var tier))
        {
            state.Usage = usage;
            state.Tier = tier;
            if (!state.ClientWantsUsage && payload.IndexOf("\"choices\":[]"u8) >= 0)
            {
                state.SkipNextBlankLine = true;
                return false;
            }
        }
        else if (state.Usage is null)
        {
            state.Retain(payload);
        }

        return true;
    }

    /// <summary>An event of a stream passed through in the client's own dialect: usage, terminator, errors.</summary>
    private void OnNativeEvent(NativeUpstream native, StreamState state, ReadOnlySpan<byte> payload)
    {
        var usage = state.Usage;
        var kind = native.ReadStreamEvent(payload, ref usage);
        state.Usage = usage;
        switch (kind)
        {
            case NativeStreamEvent.Usage:
                break;
            case NativeStreamEvent.End:
                state.Done = true;
                break;
            case NativeStreamEvent.Error:
                state.UpstreamErrorForwarded = true;
                state.Fail(UpstreamFailure.StreamError, scrubber.ScrubOrNull(SseEvents.ErrorMessage(payload)) ?? "The upstream reported an error inside the stream.");
                break;
            default:
                state.Retain(payload);
                break;
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        return true;
    }
}
