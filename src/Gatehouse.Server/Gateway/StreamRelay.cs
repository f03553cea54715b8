using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Gatehouse.OpenAI;
using Gatehouse.Providers;

namespace Gatehouse.Gateway;

/// <summary>
/// Relays an SSE stream line by line as it arrives, flushing after every upstream read. It watches
/// the stream for the usage chunk (forced on upstream, removed again when the client did not ask
/// for it) and for the <c>[DONE]</c> terminator: a stream that ends without it gets an error event
/// and then an aborted connection, so a cut answer is never presented as complete.
/// </summary>
internal sealed class StreamRelay(UsageMeter meter, TimeProvider timeProvider)
{
    /// <summary>Generated text kept for token estimation when the upstream sends no usage; beyond this, estimation undercounts.</summary>
    private const int MaxRetainedBytes = 4 * 1024 * 1024;

    private static readonly TimeSpan AbortGrace = TimeSpan.FromMilliseconds(100);

    public async Task RelayAsync(GatewayContext context, HttpResponseMessage upstream, CancellationToken cancellationToken)
    {
        var response = context.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        UpstreamHeaders.CopyTo(upstream, response);
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        var state = new StreamState(context.Request!.ClientRequestedUsage);
        UpstreamFailure? failure = null;
        string? failureMessage = null;
        try
        {
            await using var stream = await upstream.Content.ReadAsStreamAsync(cancellationToken);
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024));
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                var wrote = false;
                while (TryReadLine(ref buffer, out var line))
                {
                    wrote |= ProcessLine(context, state, line, response.BodyWriter);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (wrote)
                {
                    await response.BodyWriter.FlushAsync(context.Aborted);
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }

            await reader.CompleteAsync();
            if (!state.Done)
            {
                failure = UpstreamFailure.StreamInterrupted;
                failureMessage = "The upstream stream ended before it was complete (no [DONE]).";
            }
        }
        catch (OperationCanceledException) when (!context.Aborted.IsCancellationRequested)
        {
            failure = UpstreamFailure.Timeout;
            failureMessage = $"The upstream stream did not finish within {context.Deployment!.Timeout.TotalSeconds:0.###} s.";
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !context.Aborted.IsCancellationRequested)
        {
            failure = UpstreamFailure.StreamInterrupted;
            failureMessage = $"The upstream stream broke: {ex.Message}";
        }
        finally
        {
            Settle(context, state);
        }

        if (failure is { } f)
        {
            await FailAsync(context, response, f, failureMessage!);
        }
    }

    private void Settle(GatewayContext context, StreamState state)
    {
        var usage = state.Usage ?? meter.Estimate(context, state.GeneratedText());
        UsageMeter.Settle(context, usage);
    }

    private async Task FailAsync(GatewayContext context, HttpResponse response, UpstreamFailure failure, string message)
    {
        var error = OpenAIError.Upstream(failure.StatusCode(), message, failure.ErrorClass());
        if (!response.HasStarted)
        {
            // Nothing reached the client yet: an ordinary error response is still possible.
            response.Headers.Remove("Content-Type");
            context.Fail(error);
            await OpenAIErrorWriter.WriteResponseAsync(response, error, context.Aborted);
            return;
        }

        // The client already has part of the answer: the status stays 200, the error class says what happened.
        context.ErrorClass = error.ErrorClass;
        context.ErrorMessage = message;
        OpenAIErrorWriter.WriteStreamEvent(response.BodyWriter, error);
        await response.BodyWriter.FlushAsync(context.Aborted);

        // Then end the response without its proper terminator (no final HTTP chunk): SDKs that ignore
        // error events (the OpenAI .NET SDK does) still see a failed read instead of a clean end.
        // Abort drops output not yet on the socket, so give the error event a moment to leave first.
        await Task.Delay(AbortGrace, timeProvider, CancellationToken.None);
        context.Http.Abort();
    }

    /// <summary>Forwards one line (or drops it); returns true when bytes were written.</summary>
    private bool ProcessLine(GatewayContext context, StreamState state, ReadOnlySequence<byte> sequence, PipeWriter output)
    {
        var line = sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();
        var content = line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

        if (content.IsEmpty && state.SkipNextBlankLine)
        {
            state.SkipNextBlankLine = false;
            return false;
        }

        if (content.StartsWith("data:"u8))
        {
            var payload = content[5..].TrimStart((byte)' ');
            if (payload.SequenceEqual("[DONE]"u8))
            {
                state.Done = true;
            }
            else if (OnEvent(context, state, payload))
            {
                return false;
            }
        }

        output.Write(line);
        output.Write("\n"u8);
        return true;
    }

    /// <summary>Inspects one chunk; returns true when it must not be forwarded (the usage chunk the client did not ask for).</summary>
    private bool OnEvent(GatewayContext context, StreamState state, ReadOnlySpan<byte> payload)
    {
        context.TimeToFirstTokenMs ??= timeProvider.GetElapsedTime(context.StartTimestamp).TotalMilliseconds;
        if (OpenAIUsageReader.MayContainUsage(payload) && OpenAIUsageReader.TryRead(payload, out var usage))
        {
            state.Usage = usage;
            if (!state.ClientWantsUsage && payload.IndexOf("\"choices\":[]"u8) >= 0)
            {
                state.SkipNextBlankLine = true;
                return true;
            }
        }
        else if (state.Usage is null)
        {
            state.Retain(payload);
        }

        return false;
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

    private sealed class StreamState(bool clientWantsUsage)
    {
        private ArrayBufferWriter<byte>? _retained;

        public bool ClientWantsUsage { get; } = clientWantsUsage;

        public bool Done { get; set; }

        public bool SkipNextBlankLine { get; set; }

        public Usage.TokenUsage? Usage { get; set; }

        public void Retain(ReadOnlySpan<byte> payload)
        {
            _retained ??= new ArrayBufferWriter<byte>(4096);
            if (_retained.WrittenCount + payload.Length + 1 <= MaxRetainedBytes)
            {
                _retained.Write(payload);
                _retained.Write("\n"u8);
            }
        }

        public string GeneratedText()
        {
            if (_retained is null)
            {
                return "";
            }

            var text = new StringBuilder();
            foreach (var chunk in _retained.WrittenSpan.Split((byte)'\n'))
            {
                OpenAIUsageReader.AppendGeneratedText(_retained.WrittenSpan[chunk], text);
            }

            return text.ToString();
        }
    }
}
