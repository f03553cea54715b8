using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Gatehouse.Gateway;

/// <summary>
/// A response with no client behind it: the pipeline writes to it exactly as to a client (status,
/// headers, body, abort), and everything lands in an <see cref="IResponseSink"/> instead, with the
/// headers frozen at the first byte, as Kestrel would send them. Three users: the call that produces a
/// shared answer for identical calls in flight (<c>Caching/SharedAnswer</c>), calls Gatehouse makes to
/// itself (<c>Executions/PipelineClient</c>), and the rounds of a prefiltered call (<c>HeldAnswer</c>). Its "request aborted" token is the one given.
/// </summary>
internal sealed class VirtualResponse : Stream, IHttpResponseFeature, IHttpResponseBodyFeature, IHttpRequestLifetimeFeature
{
    /// <summary>Headers of one connection, which the real response to a client sets for itself.</summary>
    private static readonly HashSet<string> s_hopByHop = new(StringComparer.OrdinalIgnoreCase) { "Connection", "Transfer-Encoding", "Keep-Alive" };

    private readonly IResponseSink _sink;
    private readonly CancellationToken _aborted;
    private PipeWriter? _writer;

    private VirtualResponse(IResponseSink sink, CancellationToken aborted)
    {
        _sink = sink;
        _aborted = aborted;
    }

    /// <summary>True once the pipeline aborted the body (a stream cut after its first byte).</summary>
    public bool BodyAborted { get; private set; }

    public bool HasStarted { get; private set; }

    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public string? ReasonPhrase { get; set; }

    public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

    public Stream Body
    {
        get => this;
        set => throw new NotSupportedException("A virtual response body cannot be replaced.");
    }

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public CancellationToken RequestAborted
    {
        get => _aborted;
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

    /// <summary>An <see cref="HttpContext"/> whose request headers are a copy of <paramref name="callerRequest"/>'s (no body) and whose response feeds <paramref name="sink"/>.</summary>
    public static (HttpContext Http, VirtualResponse Response) CreateContext(HttpRequest callerRequest, IResponseSink sink, CancellationToken aborted) =>
        CreateContext(
            new HttpRequestFeature
            {
                Method = callerRequest.Method,
                Scheme = callerRequest.Scheme,
                Path = callerRequest.Path,
                Headers = new HeaderDictionary(callerRequest.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)),
            },
            sink,
            aborted);

    /// <summary>An <see cref="HttpContext"/> for <paramref name="request"/> whose response feeds <paramref name="sink"/>; <paramref name="aborted"/> plays the client hanging up.</summary>
    public static (HttpContext Http, VirtualResponse Response) CreateContext(IHttpRequestFeature request, IResponseSink sink, CancellationToken aborted)
    {
        var response = new VirtualResponse(sink, aborted);
        var features = new FeatureCollection();
        features.Set(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(response);
        features.Set<IHttpRequestLifetimeFeature>(response);
        return (new DefaultHttpContext(features), response);
    }

    public void Abort() => BodyAborted = true;

    public void OnStarting(Func<object, Task> callback, object state)
    {
        // Nothing registers here on the gateway path; a starting callback has no client to act on.
    }

    public void OnCompleted(Func<object, Task> callback, object state)
    {
    }

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        return Task.CompletedTask;
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The gateway never sends files.");

    public async Task CompleteAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync();
        }

        EnsureStarted();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureStarted();
        _sink.Append(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        return _sink.AppendAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _sink.FlushAsync(cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void EnsureStarted()
    {
        if (HasStarted)
        {
            return;
        }

        HasStarted = true;
        var headers = Headers
            .Where(h => !s_hopByHop.Contains(h.Key))
            .Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()))
            .ToArray();
        _sink.Start(StatusCode, headers);
    }
}
