using System.Buffers;
using System.Text.Json;
using Gatehouse.Gateway.Sse;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>
/// A read-only stream over an Anthropic Messages SSE body that yields OpenAI
/// <c>chat.completion.chunk</c> events as the upstream events arrive: each upstream read is parsed
/// into whole events and each event turns into zero or more <c>data:</c> events, nothing more is
/// buffered. <c>data: [DONE]</c> is written only after Anthropic's <c>message_stop</c>; a stream
/// that ends early, carries an <c>error</c> event or an unreadable event ends without it, which the
/// gateway's stream relay reports to the client as an interrupted stream.
/// </summary>
internal sealed partial class AnthropicStreamTranslator : Stream
{
    private readonly Stream _upstream;
    private readonly IDisposable? _owner;
    /// <summary>Upstream bytes are read straight into it; an event over its limit is treated as a broken stream.</summary>
    private readonly SseEventReader _events = new();
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private int _outputRead;

    /// <summary>True once nothing more is read from upstream: after message_stop, an error, a bad event, or the upstream's end.</summary>
    private bool _finished;

    /// <param name="upstream">The Anthropic SSE body; disposed with this stream.</param>
    /// <param name="model">The <c>model</c> of every chunk.</param>
    /// <param name="created">The <c>created</c> timestamp (Unix seconds) of every chunk.</param>
    /// <param name="jsonToolName">The forced <c>response_format</c> tool, whose input is streamed as content.</param>
    /// <param name="owner">Disposed with this stream too (the upstream <see cref="HttpResponseMessage"/>).</param>
    public AnthropicStreamTranslator(Stream upstream, string model, long created, string? jsonToolName, IDisposable? owner = null)
    {
        _upstream = upstream;
        _owner = owner;
        _model = model;
        _created = created;
        _jsonToolName = jsonToolName;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (TryDrain(buffer, out var written))
            {
                return written;
            }

            if (_finished)
            {
                return 0;
            }

            OnUpstreamRead(_upstream.Read(_events.GetReadBuffer(16 * 1024).Span));
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TryDrain(buffer.Span, out var written))
        {
            return new ValueTask<int>(written);
        }

        return _finished ? new ValueTask<int>(0) : ReadSlowAsync(this, buffer, cancellationToken);

        static async ValueTask<int> ReadSlowAsync(AnthropicStreamTranslator self, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            while (true)
            {
                self.OnUpstreamRead(await self._upstream.ReadAsync(self._events.GetReadBuffer(16 * 1024), cancellationToken));
                if (self.TryDrain(buffer.Span, out var written))
                {
                    return written;
                }

                if (self._finished)
                {
                    return 0;
                }
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _finished = true;
            _upstream.Dispose();
            _owner?.Dispose();
            _writer?.Dispose();
            _events.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Copies translated bytes not yet read; false when there are none.</summary>
    private bool TryDrain(Span<byte> destination, out int written)
    {
        var pending = _output.WrittenSpan[_outputRead..];
        if (pending.IsEmpty)
        {
            written = 0;
            return destination.IsEmpty;
        }

        written = Math.Min(pending.Length, destination.Length);
        pending[..written].CopyTo(destination);
        _outputRead += written;
        if (_outputRead == _output.WrittenCount)
        {
            _output.ResetWrittenCount();
            _outputRead = 0;
        }

        return true;
    }

    private void OnUpstreamRead(int read)
    {
        if (read == 0)
        {
            // The upstream ended. After message_stop _finished is already set; otherwise the answer is cut.
            _finished = true;
            return;
        }

        _events.Advance(read);
        while (!_finished && _events.TryRead(out var sseEvent))
        {
            // The event: field is not needed: each event's JSON carries its type.
            OnEventData(sseEvent.Data);
        }

        _finished |= _events.Overflowed;
    }

    private void OnEventData(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new JsonException("More than one JSON value in the event.");
            }

            if (!OnEvent(document.RootElement))
            {
                _finished = true;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // An event we cannot read: the answer can no longer be trusted to be complete.
            _finished = true;
        }
    }
}
