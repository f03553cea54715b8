using System.Buffers;
using Gatehouse.Gateway.Sse;
using Gatehouse.Tools;

namespace Gatehouse.Gateway;

/// <summary>
/// Where one round of a prefiltered call writes (through a <see cref="VirtualResponse"/>; see
/// <see cref="ToolPrefilterStage"/>): everything is held back until the round's answer is known not
/// to be a call of the search function, then the status, headers and bytes go to the client and the
/// rest passes straight through. A plain answer is held whole; a stream is watched event by event and
/// let go at its first text or other tool call (or held to the end under <c>WholeAnswer</c>).
/// </summary>
internal sealed class HeldAnswer(HttpContext client, SearchCallReader.StreamWatcher? watcher, Action<HttpResponse> beforeRelease) : IResponseSink
{
    private readonly ArrayBufferWriter<byte> _held = new(4096);
    private readonly SseEventReader? _events = watcher is null ? null : new SseEventReader();
    private KeyValuePair<string, string>[] _headers = [];

    public bool Released { get; private set; }

    public int StatusCode { get; private set; } = StatusCodes.Status200OK;

    /// <summary>What the round wrote and was held back.</summary>
    public ReadOnlySpan<byte> HeldBody => _held.WrittenSpan;

    public SearchCallReader.StreamWatcher? Watcher => watcher;

    public void Start(int statusCode, KeyValuePair<string, string>[] headers)
    {
        StatusCode = statusCode;
        _headers = headers;
    }

    // The pipeline writes asynchronously; a synchronous write only ever comes from code that is not on the gateway path.
    public void Append(ReadOnlySpan<byte> data) => AppendAsync(data.ToArray(), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public async ValueTask AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Released)
        {
            await client.Response.Body.WriteAsync(data, cancellationToken);
            return;
        }

        _held.Write(data.Span);
        if (watcher is not null && StatusCode == StatusCodes.Status200OK)
        {
            Watch(data.Span);
            if (watcher.Decision == StreamDecision.Answer)
            {
                await ReleaseAsync();
            }
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) =>
        Released ? new ValueTask(client.Response.Body.FlushAsync(cancellationToken)) : ValueTask.CompletedTask;

    /// <summary>Sends what was held (status, headers, bytes) to the client; later writes go straight through.</summary>
    public async Task ReleaseAsync()
    {
        if (Released)
        {
            return;
        }

        Released = true;
        _events?.Dispose(); // nothing is watched once the answer goes to the client
        var response = client.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in _headers)
        {
            response.Headers[name] = value;
        }

        beforeRelease(response);
        if (_held.WrittenCount > 0)
        {
            await response.Body.WriteAsync(_held.WrittenMemory, client.RequestAborted);
            await response.Body.FlushAsync(client.RequestAborted);
        }
    }

    /// <summary>Feeds the events the new bytes complete to the watcher.</summary>
    private void Watch(ReadOnlySpan<byte> data)
    {
        _events!.Append(data);
        while (_events.TryRead(out var sseEvent))
        {
            if (!sseEvent.Data.SequenceEqual("[DONE]"u8))
            {
                watcher!.OnEvent(sseEvent.Data);
            }
        }
    }
}
