using System.Buffers;

namespace Gatehouse.Gateway.Sse;

/// <summary>
/// Gatehouse's one reader of server-sent events, for every place that needs an upstream stream's
/// events rather than its bytes: the Anthropic translators, the execution engine's stream assembler
/// and the tool-search watcher. Bytes are pushed in as they arrive (<see cref="Append"/>, or read
/// straight into <see cref="GetReadBuffer"/> and <see cref="Advance"/>), whole events are pulled out
/// with <see cref="TryRead"/>.
/// </summary>
/// <remarks>
/// It reads the event-stream format as the WHATWG specification defines it and as
/// <c>System.Net.ServerSentEvents.SseParser</c> reads it, so Gatehouse sees the events a .NET client
/// would (a test holds the two to the same events on any input, cut anywhere): lines end in LF, CRLF
/// or a lone CR; a leading UTF-8 BOM is skipped; lines starting with <c>:</c> are comments; a field's
/// value loses one leading space; <c>data</c> lines join with LF; a blank line dispatches an event
/// that has data; an event the stream ends in the middle of (no blank line after it) is never
/// dispatched, which is how a cut stream shows. Where SseParser departs from the specification we
/// follow SseParser: an <c>event:</c> with an empty value gives the type "" (not <c>message</c>), and
/// a blank line that dispatches nothing keeps the event type for the next event. SseParser
/// itself only pulls from a <see cref="Stream"/>, while most of these readers are pushed chunks as
/// the relay passes them to the client; hence this push-based reader. The relay does not use it: it
/// passes bytes through untouched and splits lines only to look at them.
/// <para>An event (or a line) larger than the limit stops the reader (<see cref="Overflowed"/>): a
/// broken or hostile stream cannot make it buffer without bound.</para>
/// </remarks>
internal sealed class SseEventReader(int maxEventBytes = SseEventReader.DefaultMaxEventBytes) : IDisposable
{
    /// <summary>No provider's event comes near this.</summary>
    public const int DefaultMaxEventBytes = 16 * 1024 * 1024;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private readonly ArrayBufferWriter<byte> _data = new(256);
    private readonly ArrayBufferWriter<byte> _eventType = new(32);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _start;
    private int _end;
    private bool _hasData;
    private bool _hasEventType;
    private bool _dispatched;
    private bool _atStreamStart = true;
    private bool _skipLineFeed;

    /// <summary>True once an event or line grew past the limit; no further event is read.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Adds bytes of the stream, cut anywhere.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var room = GetReadBuffer().Span;
            var count = Math.Min(room.Length, bytes.Length);
            bytes[..count].CopyTo(room);
            Advance(count);
            bytes = bytes[count..];
        }
    }

    /// <summary>Room to read the next bytes of the stream into; say how many with <see cref="Advance"/>.</summary>
    public Memory<byte> GetReadBuffer(int sizeHint = 4096)
    {
        if (_start > 0 && _buffer.Length - _end < sizeHint)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_buffer.Length - _end < sizeHint)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _end + sizeHint));
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsMemory(_end);
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _end);
        _end += count;
    }

    /// <summary>
    /// The next whole event, if the bytes so far hold one. Its spans stay valid until the next call
    /// of any member.
    /// </summary>
    public bool TryRead(out SseEvent sseEvent)
    {
        if (_dispatched)
        {
            _dispatched = false;
            _data.ResetWrittenCount();
            _eventType.ResetWrittenCount();
            _hasEventType = false;
            _hasData = false;
        }

        while (!Overflowed)
        {
            if (!TryTakeLine(out var line))
            {
                if (_end - _start > maxEventBytes)
                {
                    Overflowed = true;
                }

                break;
            }

            if (line.IsEmpty)
            {
                if (_hasData)
                {
                    return Dispatch(out sseEvent);
                }

                continue;
            }

            ReadField(line);
        }

        sseEvent = default;
        return false;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool Dispatch(out SseEvent sseEvent)
    {
        _dispatched = true;
        sseEvent = new SseEvent(!_hasEventType ? SseEvent.DefaultType : _eventType.WrittenSpan, _data.WrittenSpan);
        return true;
    }

    /// <summary>The next whole line, without its end.</summary>
    private bool TryTakeLine(out ReadOnlySpan<byte> line)
    {
        var unread = _buffer.AsSpan(_start, _end - _start);
        if (_skipLineFeed && !unread.IsEmpty)
        {
            // The CR that ended the last line was the first half of a CRLF cut between two chunks.
            _skipLineFeed = false;
            if (unread[0] == (byte)'\n')
            {
                _start++;
                unread = unread[1..];
            }
        }

        if (_atStreamStart)
        {
            if (unread.Length < Utf8Bom.Length && Utf8Bom.StartsWith(unread))
            {
                line = default;
                return false; // perhaps a BOM, not all here yet
            }

            _atStreamStart = false;
            if (unread.StartsWith(Utf8Bom))
            {
                _start += Utf8Bom.Length;
                unread = unread[Utf8Bom.Length..];
            }
        }

        var end = unread.IndexOfAny((byte)'\r', (byte)'\n');
        if (end < 0)
        {
            line = default;
            return false;
        }

        line = unread[..end];
        if (unread[end] == (byte)'\r')
        {
            if (end + 1 < unread.Length)
            {
                end += unread[end + 1] == (byte)'\n' ? 1 : 0;
            }
            else
            {
                _skipLineFeed = true;
            }
        }

        _start += end + 1;
        return true;
    }

    private void ReadField(ReadOnlySpan<byte> line)
    {
        if (line[0] == (byte)':')
        {
            return; // a comment (keep-alives are sent as these)
        }

        var colon = line.IndexOf((byte)':');
        var name = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? default : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (name.SequenceEqual("data"u8))
        {
            if (_hasData)
            {
                _data.Write("\n"u8);
            }

            _data.Write(value);
            _hasData = true;
            if (_data.WrittenCount > maxEventBytes)
            {
                Overflowed = true;
            }
        }
        else if (name.SequenceEqual("event"u8))
        {
            _eventType.ResetWrittenCount();
            _eventType.Write(value);
            _hasEventType = true;
        }

        // id and retry change nothing Gatehouse reads; other fields are ignored, as the format says.
    }
}

/// <summary>One event: its type (<c>message</c> unless an <c>event:</c> field said otherwise) and its data lines joined.</summary>
internal readonly ref struct SseEvent(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data)
{
    public static ReadOnlySpan<byte> DefaultType => "message"u8;

    public ReadOnlySpan<byte> EventType { get; } = eventType;

    public ReadOnlySpan<byte> Data { get; } = data;
}
