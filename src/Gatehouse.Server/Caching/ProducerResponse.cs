using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Gatehouse.Caching;

/// <summary>
/// The response of the call that produces a <see cref="SharedAnswer"/>: the rest of the pipeline
/// writes to it exactly as to a client (status, headers, body, abort), and everything lands in
/// the shared answer instead, with the headers frozen at the first byte, as Kestrel would send them.
/// Its "request aborted" token is the shared answer's: the production stops only when every caller has gone.
/// </summary>
internal sealed class ProducerResponse : Stream, IHttpResponseFeature, IHttpResponseBodyFeature, IHttpRequestLifetimeFeature
{
    /// <summary>Headers that describe one connection or one caller's cost, never repeated to another caller.</summary>
    private static readonly HashSet<string> s_notShared = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Transfer-Encoding", "Keep-Alive", "Date", "Server", "Set-Cookie",
    };

    private readonly SharedAnswer _answer;
    private PipeWriter? _writer;

    private ProducerResponse(SharedAnswer answer) => _answer = answer;

    /// <summary>True once the producer aborted the body (a stream cut after its first byte).</summary>
    public bool BodyAborted { get; private set; }

    public bool HasStarted { get; private set; }

    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public string? ReasonPhrase { get; set; }

    public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

    public Stream Body
    {
        get => this;
        set => throw new NotSupportedException("The producer's response body cannot be replaced.");
    }

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public CancellationToken RequestAborted
    {
        get => _answer.ProductionAborted;
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

    /// <summary>An <see cref="HttpContext"/> whose request headers are a copy of the caller's and whose response is a new <see cref="ProducerResponse"/> feeding <paramref name="answer"/>.</summary>
    public static (HttpContext Http, ProducerResponse Response) CreateContext(HttpRequest callerRequest, SharedAnswer answer)
    {
        var response = new ProducerResponse(answer);
        var request = new HttpRequestFeature
        {
            Method = callerRequest.Method,
            Scheme = callerRequest.Scheme,
            Path = callerRequest.Path,
            Headers = new HeaderDictionary(callerRequest.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)),
        };
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
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
        _answer.Append(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
            .Where(h => !s_notShared.Contains(h.Key))
            .Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()))
            .ToArray();
        _answer.Start(StatusCode, headers);
    }
}
