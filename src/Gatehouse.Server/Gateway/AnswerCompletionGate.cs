using System.Buffers;

namespace Gatehouse.Gateway;

/// <summary>
/// The client's response body during a <c>/v1</c> call. It holds back the bytes that would let the
/// client see its answer as complete, until <see cref="ReleaseAsync"/>, which the recording stage
/// calls once the call's record is in the journal: for a body of declared length, the write that
/// reaches that length; for an event stream, everything from its terminating event on
/// (the dialect's <see cref="Dialects.ClientDialect.StreamEndMarkers"/>: <c>data: [DONE]</c>, <c>event: message_stop</c>, <c>event: response.completed</c>…), which SDKs treat as the end of the answer
/// without waiting for the connection. A process killed at any moment before then leaves its
/// client with a cut answer, an error in every SDK, never a complete answer without a record.
/// Everything else passes straight through, flushes included, so streams are not delayed.
/// </summary>
internal sealed class AnswerCompletionGate(Stream inner, HttpResponse response, ReadOnlyMemory<byte>[] streamEndMarkers) : Stream
{
    /// <summary>A completing write up to this size is held whole (one write to the socket at release); a larger one keeps back only its last byte.</summary>
    private const int WholeWriteLimit = 64 * 1024;

    private byte[]? _held;
    private int _heldLength;
    private long _written;
    private bool _atLineStart = true;
    private bool _released;

    /// <summary>True once the completing bytes are held: the answer is written, its end is waiting for the record.</summary>
    public bool HoldsCompletion { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_released)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }

        if (HoldsCompletion)
        {
            Hold(buffer.Span);
            return;
        }

        if (response.ContentLength is { } total)
        {
            if (_written + buffer.Length < total)
            {
                _written += buffer.Length;
                await inner.WriteAsync(buffer, cancellationToken);
                return;
            }

            HoldsCompletion = true;
            if (buffer.Length > WholeWriteLimit)
            {
                await inner.WriteAsync(buffer[..^1], cancellationToken);
                buffer = buffer[^1..];
            }

            Hold(buffer.Span);
            return;
        }

        if (streamEndMarkers.Length == 0 || !IsEventStream(response.ContentType))
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }

        await WriteEventsAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    /// <summary>Sends what was held and lets everything after pass. Never throws: a client that left simply does not get it.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_released)
        {
            return;
        }

        _released = true;
        var held = _held;
        _held = null;
        try
        {
            if (_heldLength > 0)
            {
                await inner.WriteAsync(held.AsMemory(0, _heldLength), cancellationToken);
                await inner.FlushAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is gone (or the response was aborted); the record says how the call ended.
        }
        finally
        {
            if (held is not null)
            {
                ArrayPool<byte>.Shared.Return(held);
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>
    /// An event stream: everything before the terminating event goes out now; from the terminating
    /// event on, it is held. A write that ends inside a line which could still become the
    /// terminating event keeps that partial line back until the next write shows what it is
    /// (a partial line is nothing a client can use yet, so this delays nothing it could see).
    /// </summary>
    private async ValueTask WriteEventsAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> data = buffer;
        if (_heldLength > 0)
        {
            Hold(buffer.Span);
            data = _held.AsMemory(0, _heldLength).ToArray(); // the partial line and the new bytes, as one
            _heldLength = 0;
        }

        var end = -1;
        var partial = 0;
        foreach (var marker in streamEndMarkers)
        {
            var found = FindTerminatingEvent(data.Span, marker.Span, _atLineStart);
            end = found >= 0 && (end < 0 || found < end) ? found : end;
            partial = Math.Max(partial, PartialMarkerLength(data.Span, marker.Span, _atLineStart));
        }

        if (end >= 0)
        {
            await WriteThroughAsync(data[..end], cancellationToken);
            HoldsCompletion = true;
            Hold(data.Span[end..]);
            return;
        }

        await WriteThroughAsync(data[..^partial], cancellationToken);
        if (partial > 0)
        {
            Hold(data.Span[^partial..]);
        }
    }

    private async ValueTask WriteThroughAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        await inner.WriteAsync(bytes, cancellationToken);
        _atLineStart = bytes.Span[^1] == (byte)'\n';
    }

    /// <summary>Where the line holding the terminating event starts, or -1.</summary>
    private static int FindTerminatingEvent(ReadOnlySpan<byte> data, ReadOnlySpan<byte> marker, bool atLineStart)
    {
        if (atLineStart && data.StartsWith(marker))
        {
            return 0;
        }

        for (var from = 0; ;)
        {
            var found = data[from..].IndexOf(marker);
            if (found < 0)
            {
                return -1;
            }

            var at = from + found;
            if (at > 0 && data[at - 1] == (byte)'\n')
            {
                return at;
            }

            from = at + 1;
        }
    }

    /// <summary>The length of a last line that is a beginning of the marker (at least one byte of it), else 0.</summary>
    private static int PartialMarkerLength(ReadOnlySpan<byte> data, ReadOnlySpan<byte> marker, bool atLineStart)
    {
        var lastNewline = data.LastIndexOf((byte)'\n');
        if (lastNewline < 0 && !atLineStart)
        {
            return 0;
        }

        var tail = data[(lastNewline + 1)..];
        return tail.Length > 0 && tail.Length < marker.Length && marker.StartsWith(tail) ? tail.Length : 0;
    }

    private static bool IsEventStream(string? contentType) =>
        contentType is not null && contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);

    private void Hold(ReadOnlySpan<byte> bytes)
    {
        if (_held is null || _held.Length - _heldLength < bytes.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_heldLength + bytes.Length, 256));
            if (_held is not null)
            {
                _held.AsSpan(0, _heldLength).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_held);
            }

            _held = grown;
        }

        bytes.CopyTo(_held.AsSpan(_heldLength));
        _heldLength += bytes.Length;
    }
}
