using System.Buffers;
using System.IO.Pipelines;
using Gatehouse.Tools;
using Microsoft.AspNetCore.Http.Features;

namespace Gatehouse.Gateway;

/// <summary>
/// The response one round of a prefiltered call writes to (see <see cref="ToolPrefilterStage"/>):
/// it holds everything back until the round's answer is known not to be a call of the search
/// function, then releases the status, headers and bytes to the client and passes the rest straight
/// through. A plain answer is held whole; a stream is watched event by event and let go at its first
/// text or other tool call (or held to the end under <c>WholeAnswer</c>). Within the round it looks
/// like any response: it has started once written to, and an abort is passed on once released.
/// </summary>
internal sealed class HeldResponse : Stream, IHttpResponseFeature, IHttpResponseBodyFeature, IHttpRequestLifetimeFeature
{
    private static readonly HashSet<string> s_hopByHop = new(StringComparer.OrdinalIgnoreCase) { "Connection", "Transfer-Encoding", "Keep-Alive" };

    private readonly HttpContext _client;
    private readonly SearchCallReader.StreamWatcher? _watcher;
    private readonly ArrayBufferWriter<byte> _held = new(4096);
    private int _scanned;
    private PipeWriter? _writer;

    private HeldResponse(HttpContext client, SearchCallReader.StreamWatcher? watcher)
    {
        _client = client;
        _watcher = watcher;
    }

    /// <summary>Called on the client's response right before the first byte goes out (Gatehouse's own headers).</summary>
    public Action<HttpResponse>? BeforeRelease { get; init; }

    public bool Released { get; private set; }

    public bool BodyAborted { get; private set; }

    /// <summary>What the round wrote and was held back.</summary>
    public ReadOnlySpan<byte> HeldBody => _held.WrittenSpan;

    public SearchCallReader.StreamWatcher? Watcher => _watcher;

    public bool HasStarted { get; private set; }

    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public string? ReasonPhrase { get; set; }

    public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

    public Stream Body
    {
        get => this;
        set => throw new NotSupportedException("The held response's body cannot be replaced.");
    }

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public CancellationToken RequestAborted
    {
        get => _client.RequestAborted;
        set => throw new NotSupportedException();
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>A context whose request is the client's (headers copied) and whose response is a new held response.</summary>
    public static (HttpContext Http, HeldResponse Response) CreateContext(HttpContext client, SearchCallReader.StreamWatcher? watcher, Action<HttpResponse> beforeRelease)
    {
        var response = new HeldResponse(client, watcher) { BeforeRelease = beforeRelease };
        var request = new HttpRequestFeature
        {
            Method = client.Request.Method,
            Scheme = client.Request.Scheme,
            Path = client.Request.Path,
            Headers = new HeaderDictionary(client.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)),
        };
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(response);
        features.Set<IHttpRequestLifetimeFeature>(response);
        return (new DefaultHttpContext(features), response);
    }

    /// <summary>Sends what was held (status, headers, bytes) to the client; later writes go straight through.</summary>
    public async Task ReleaseAsync()
    {
        if (Released)
        {
            return;
        }

        Released = true;
        var response = _client.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in Headers)
        {
            if (!s_hopByHop.Contains(name))
            {
                response.Headers[name] = value;
            }
        }

        BeforeRelease?.Invoke(response);
        if (_held.WrittenCount > 0)
        {
            await response.Body.WriteAsync(_held.WrittenMemory, _client.RequestAborted);
            await response.Body.FlushAsync(_client.RequestAborted);
        }
    }

    /// <summary>Flushes the round's writer so everything it wrote is here (or, when released, at the client).</summary>
    public async Task CompleteAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync();
        }
    }

    public void Abort()
    {
        BodyAborted = true;
        if (Released)
        {
            _client.Abort();
        }
    }

    public void OnStarting(Func<object, Task> callback, object state)
    {
    }

    public void OnCompleted(Func<object, Task> callback, object state)
    {
    }

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        HasStarted = true;
        return Task.CompletedTask;
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The gateway never sends files.");

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        HasStarted = true;
        if (Released)
        {
            await _client.Response.Body.WriteAsync(buffer, cancellationToken);
            return;
        }

        _held.Write(buffer.Span);
        if (_watcher is not null && StatusCode == StatusCodes.Status200OK)
        {
            Watch();
            if (_watcher.Decision == StreamDecision.Answer)
            {
                await ReleaseAsync();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Released ? _client.Response.Body.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Feeds every complete <c>data:</c> line not yet seen to the watcher.</summary>
    private void Watch()
    {
        var pending = _held.WrittenSpan[_scanned..];
        int end;
        while ((end = pending.IndexOf((byte)'\n')) >= 0)
        {
            var line = pending[..end].TrimEnd((byte)'\r');
            if (line.StartsWith("data:"u8))
            {
                var payload = line[5..].TrimStart((byte)' ');
                if (!payload.SequenceEqual("[DONE]"u8))
                {
                    _watcher!.OnEvent(payload);
                }
            }

            _scanned += end + 1;
            pending = pending[(end + 1)..];
        }
    }
}
