namespace Gatehouse.Simulator;

/// <summary>
/// A read-only stream over pre-rendered server-sent events that releases each event only after its
/// delay has passed on the <see cref="TimeProvider"/>. Reading drives time: nothing runs in the
/// background, a cancelled read stops the delay at once, and a slow reader slows the producer.
/// </summary>
internal sealed class SimulatedEventStream(
    ReadOnlyMemory<byte> data,
    IReadOnlyList<SimulatedEventStream.Event> events,
    TimeProvider timeProvider) : Stream
{
    private int _position;
    private int _currentEnd;
    private int _nextEvent;
    private bool _disposed;

    /// <summary>One event: where it ends in the data, and how long to wait before releasing it.</summary>
    internal readonly record struct Event(int End, TimeSpan Delay);

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty) return new(0);
        if (_position < _currentEnd) return new(Copy(buffer.Span));
        if (_nextEvent == events.Count) return new(0);

        var next = events[_nextEvent];
        if (next.Delay <= TimeSpan.Zero)
        {
            _currentEnd = next.End;
            _nextEvent++;
            return new(Copy(buffer.Span));
        }

        return WaitThenCopyAsync(buffer, next, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    private async ValueTask<int> WaitThenCopyAsync(Memory<byte> buffer, Event next, CancellationToken cancellationToken)
    {
        await Task.Delay(next.Delay, timeProvider, cancellationToken);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _currentEnd = next.End;
        _nextEvent++;
        return Copy(buffer.Span);
    }

    private int Copy(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _currentEnd - _position);
        data.Span.Slice(_position, count).CopyTo(destination);
        _position += count;
        return count;
    }
}
