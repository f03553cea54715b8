using System.Text.Json;
using Gatehouse.Gateway.Sse;

namespace Gatehouse.Anthropic.Inbound;

/// <summary>
/// A read-only stream that turns an OpenAI chat completions SSE body (as the gateway relays it) into
/// Anthropic Messages SSE (<c>event: &lt;type&gt;\ndata: &lt;json&gt;\n\n</c>), event by event as the
/// upstream's lines arrive: each read returns the Anthropic events for the next upstream read, so
/// nothing is buffered beyond one incomplete line. The event mapping is in
/// <c>MessagesStreamTranslator.Events.cs</c>.
/// </summary>
/// <remarks>
/// Reads pass the caller's cancellation token to the upstream stream, so cancellation surfaces as
/// <see cref="OperationCanceledException"/>; disposing disposes the upstream stream. An upstream
/// stream that fails with an <see cref="IOException"/> or <see cref="HttpRequestException"/>, or ends
/// without <c>data: [DONE]</c>, yields an Anthropic <c>event: error</c> and then a clean end without
/// <c>message_stop</c> (which is how Anthropic's SDKs recognise an incomplete message).
/// </remarks>
internal sealed partial class MessagesStreamTranslator : Stream
{
    private const int ReadSize = 16 * 1024;

    private readonly Stream _upstream;

    /// <summary>The OpenAI events, read straight into it from the relay's output.</summary>
    private readonly SseEventReader _events = new();
    private int _outputOffset;
    private bool _disposed;

    /// <param name="openAIStream">The OpenAI SSE body; owned (disposed) by this stream.</param>
    /// <param name="requestedModel">The model the client asked for, echoed in <c>message_start</c>.</param>
    /// <param name="inputTokensHint">
    /// The <c>input_tokens</c> of <c>message_start</c>, sent before the upstream's usage exists (e.g. an
    /// estimate from <see cref="CountTokensEstimator"/>); the real count follows in <c>message_delta</c>.
    /// </param>
    public MessagesStreamTranslator(Stream openAIStream, string requestedModel, int inputTokensHint = 0)
    {
        ArgumentNullException.ThrowIfNull(openAIStream);
        ArgumentNullException.ThrowIfNull(requestedModel);
        _upstream = openAIStream;
        _model = requestedModel;
        _inputTokensHint = inputTokensHint;
        _json = new Utf8JsonWriter(_output);
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (PendingOutput == 0 && !_finished)
        {
            int read;
            try
            {
                read = _upstream.Read(_events.GetReadBuffer(ReadSize).Span);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                Interrupted($"The upstream stream broke: {ex.Message}");
                break;
            }

            OnRead(read);
        }

        return DrainOutput(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return PendingOutput > 0 || _finished ? new ValueTask<int>(DrainOutput(buffer.Span)) : ReadSlowAsync(buffer, cancellationToken);
    }

    private async ValueTask<int> ReadSlowAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (PendingOutput == 0 && !_finished)
        {
            int read;
            try
            {
                read = await _upstream.ReadAsync(_events.GetReadBuffer(ReadSize), cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                Interrupted($"The upstream stream broke: {ex.Message}");
                break;
            }

            OnRead(read);
        }

        return DrainOutput(buffer.Span);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _upstream.Dispose();
            _json.Dispose();
            _events.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _upstream.DisposeAsync();
            await _json.DisposeAsync();
            _events.Dispose();
        }

        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private int PendingOutput => _output.WrittenCount - _outputOffset;

    private int DrainOutput(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, PendingOutput);
        _output.WrittenSpan.Slice(_outputOffset, count).CopyTo(destination);
        _outputOffset += count;
        if (_outputOffset == _output.WrittenCount)
        {
            _output.ResetWrittenCount();
            _outputOffset = 0;
        }

        return count;
    }

    private void OnRead(int read)
    {
        if (read == 0)
        {
            if (!_finished)
            {
                Interrupted("The upstream stream ended before it was complete.");
            }

            return;
        }

        _events.Advance(read);
        while (!_finished && _events.TryRead(out var sseEvent))
        {
            OnData(sseEvent.Data);
        }

        if (_events.Overflowed && !_finished)
        {
            Interrupted("The upstream sent an event larger than 16 MB.");
        }
    }
}
