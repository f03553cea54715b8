using System.Buffers;
using System.Text.Json;

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
    private const int InitialLineBufferSize = 16 * 1024;

    private readonly Stream _upstream;
    private byte[] _lines = ArrayPool<byte>.Shared.Rent(InitialLineBufferSize);
    private int _lineStart;
    private int _lineEnd;
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
                read = _upstream.Read(ReadSpace().Span);
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
                read = await _upstream.ReadAsync(ReadSpace(), cancellationToken);
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
            ReturnLineBuffer();
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
            ReturnLineBuffer();
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

    /// <summary>Free space after the buffered partial line, compacting or growing the buffer as needed.</summary>
    private Memory<byte> ReadSpace()
    {
        if (_lineStart > 0)
        {
            _lines.AsSpan(_lineStart, _lineEnd - _lineStart).CopyTo(_lines);
            _lineEnd -= _lineStart;
            _lineStart = 0;
        }

        if (_lineEnd == _lines.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_lines.Length * 2);
            _lines.AsSpan(0, _lineEnd).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_lines);
            _lines = larger;
        }

        return _lines.AsMemory(_lineEnd);
    }

    private void OnRead(int read)
    {
        if (read == 0)
        {
            if (_lineEnd > _lineStart)
            {
                // A last line without its newline still counts (it may be "data: [DONE]").
                OnLine(_lines.AsMemory(_lineStart, _lineEnd - _lineStart));
                _lineStart = _lineEnd;
            }

            if (!_finished)
            {
                Interrupted("The upstream stream ended before it was complete.");
            }

            return;
        }

        var scanFrom = _lineEnd;
        _lineEnd += read;
        while (!_finished)
        {
            var newline = _lines.AsSpan(scanFrom, _lineEnd - scanFrom).IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            var end = scanFrom + newline;
            OnLine(_lines.AsMemory(_lineStart, end - _lineStart));
            _lineStart = scanFrom = end + 1;
        }
    }

    private void OnLine(ReadOnlyMemory<byte> line)
    {
        var span = line.Span;
        if (span.Length > 0 && span[^1] == (byte)'\r')
        {
            line = line[..^1];
            span = line.Span;
        }

        if (!span.StartsWith("data:"u8))
        {
            return; // blank separators, comments, event:/id:/retry: fields
        }

        var start = 5;
        while (start < span.Length && span[start] == (byte)' ')
        {
            start++;
        }

        OnData(line[start..]);
    }

    private void ReturnLineBuffer()
    {
        var lines = _lines;
        _lines = [];
        if (lines.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(lines);
        }
    }
}
