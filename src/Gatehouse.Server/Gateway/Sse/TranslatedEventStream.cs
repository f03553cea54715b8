using System.Buffers;

namespace Gatehouse.Gateway.Sse;

/// <summary>
/// A read-only stream that turns an upstream OpenAI chat completions SSE body into another
/// dialect's events as the upstream's bytes arrive: each read returns what the next upstream read
/// produced, so nothing is buffered beyond one incomplete event. A subclass maps events
/// (<see cref="OnEvent"/>), writes into <see cref="Output"/>, and sets <see cref="Finished"/>.
/// </summary>
/// <remarks>
/// Reads pass the caller's cancellation token to the upstream stream, so cancellation surfaces as
/// <see cref="OperationCanceledException"/>; disposing disposes the upstream stream. An upstream
/// that fails with an <see cref="IOException"/> or <see cref="HttpRequestException"/>, ends before
/// the subclass finished, or sends an event over 16 MB is reported to <see cref="OnInterrupted"/>.
/// </remarks>
internal abstract class TranslatedEventStream(Stream upstream) : Stream
{
    private const int ReadSize = 16 * 1024;

    private readonly SseEventReader _events = new();
    private int _outputOffset;
    private bool _disposed;

    /// <summary>The translated bytes not yet read.</summary>
    protected ArrayBufferWriter<byte> Output { get; } = new(4096);

    /// <summary>Set once the translated stream is complete (its last event written): reading then ends.</summary>
    protected bool Finished { get; set; }

    /// <summary>One upstream event's data.</summary>
    protected abstract void OnEvent(ReadOnlySpan<byte> data);

    /// <summary>The upstream stopped before the translation finished; write the dialect's error and set <see cref="Finished"/>.</summary>
    protected abstract void OnInterrupted(string message);

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (PendingOutput == 0 && !Finished)
        {
            int read;
            try
            {
                read = upstream.Read(_events.GetReadBuffer(ReadSize).Span);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                OnInterrupted($"The upstream stream broke: {ex.Message}");
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
        return PendingOutput > 0 || Finished ? new ValueTask<int>(DrainOutput(buffer.Span)) : ReadSlowAsync(buffer, cancellationToken);
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
            upstream.Dispose();
            _events.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await upstream.DisposeAsync();
            _events.Dispose();
        }

        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async ValueTask<int> ReadSlowAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (PendingOutput == 0 && !Finished)
        {
            int read;
            try
            {
                read = await upstream.ReadAsync(_events.GetReadBuffer(ReadSize), cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                OnInterrupted($"The upstream stream broke: {ex.Message}");
                break;
            }

            OnRead(read);
        }

        return DrainOutput(buffer.Span);
    }

    private int PendingOutput => Output.WrittenCount - _outputOffset;

    private int DrainOutput(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, PendingOutput);
        Output.WrittenSpan.Slice(_outputOffset, count).CopyTo(destination);
        _outputOffset += count;
        if (_outputOffset == Output.WrittenCount)
        {
            Output.ResetWrittenCount();
            _outputOffset = 0;
        }

        return count;
    }

    private void OnRead(int read)
    {
        if (read == 0)
        {
            if (!Finished)
            {
                OnInterrupted("The upstream stream ended before it was complete.");
            }

            return;
        }

        _events.Advance(read);
        while (!Finished && _events.TryRead(out var sseEvent))
        {
            OnEvent(sseEvent.Data);
        }

        if (_events.Overflowed && !Finished)
        {
            OnInterrupted("The upstream sent an event larger than 16 MB.");
        }
    }
}
