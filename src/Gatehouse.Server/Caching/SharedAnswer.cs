using Gatehouse.Gateway;
using Gatehouse.Routing;

namespace Gatehouse.Caching;

/// <summary>
/// One upstream answer being produced for every identical call in flight. The producer writes the
/// status, headers and body into it as they come (through a <see cref="VirtualResponse"/>); each caller
/// replays it to its own client as it grows, so a streamed answer reaches every caller live. The
/// production is cancelled only when every caller has gone. (Its cancellation source is never
/// disposed: late joiners may still hold its token, and an undisposed source without a timer holds nothing.)
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "See the summary: the source is deliberately never disposed.")]
internal sealed class SharedAnswer : IResponseSink
{
    private static readonly HashSet<string> s_producerConnectionHeaders = new(StringComparer.OrdinalIgnoreCase) { "Date", "Server", "Set-Cookie" };

    private readonly Lock _gate = new();
    private readonly List<byte[]> _chunks = [];
    private readonly CancellationTokenSource _production = new();
    private TaskCompletionSource _changed = NewSignal();
    private int _callers;
    private long _length;
    private int _statusCode;
    private KeyValuePair<string, string>[]? _headers;
    private bool _completed;

    /// <summary>Cancelled when every caller waiting for this answer has hung up.</summary>
    public CancellationToken ProductionAborted => _production.Token;

    /// <summary>Set when the producer finished; how the call ended, for every caller's record.</summary>
    public SharedOutcome? Outcome { get; private set; }

    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _length;
            }
        }
    }

    /// <summary>Callers waiting for (or replaying) this answer now.</summary>
    public int Callers
    {
        get
        {
            lock (_gate)
            {
                return _callers;
            }
        }
    }

    /// <summary>Adds a caller; false when the production was already given up (everyone left), so the caller must start afresh.</summary>
    public bool TryJoin()
    {
        lock (_gate)
        {
            if (_production.IsCancellationRequested)
            {
                return false;
            }

            _callers++;
            return true;
        }
    }

    /// <summary>Removes a caller; the last one out cancels an unfinished production.</summary>
    public void Leave()
    {
        bool abandon;
        lock (_gate)
        {
            abandon = --_callers == 0 && !_completed;
        }

        if (abandon)
        {
            _production.Cancel();
        }
    }

    public void Start(int statusCode, KeyValuePair<string, string>[] headers)
    {
        // Headers of the producing connection are not repeated to the callers it is shared with.
        headers = Array.FindAll(headers, static h => !s_producerConnectionHeaders.Contains(h.Key));
        lock (_gate)
        {
            _statusCode = statusCode;
            _headers = headers;
        }

        Signal();
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var copy = data.ToArray();
        lock (_gate)
        {
            _chunks.Add(copy);
            _length += copy.Length;
        }

        Signal();
    }

    public void Complete(SharedOutcome outcome)
    {
        lock (_gate)
        {
            Outcome = outcome;
            _completed = true;
        }

        Signal();
    }

    /// <summary>
    /// Writes the answer to one client as it grows. A success streams at once; an error waits for
    /// the end first, so a follower can tell an error it may share (the upstream's) from one that
    /// belonged to the producing caller alone (its budget, say). Returns false, having written
    /// nothing, when <paramref name="onlyIfShareable"/> and the answer is not shareable.
    /// </summary>
    public async Task<bool> ReplayAsync(HttpResponse response, bool onlyIfShareable, Action<HttpResponse> beforeHead, CancellationToken cancellationToken)
    {
        var next = 0;
        var headWritten = false;
        while (true)
        {
            Task changed;
            byte[][] pending = [];
            bool completed;
            lock (_gate)
            {
                changed = _changed.Task;
                completed = _completed;
                var ready = _headers is not null && (_statusCode is >= 200 and < 300 || completed);
                if (completed && onlyIfShareable && !headWritten && Outcome is not { Shareable: true })
                {
                    return false;
                }

                if (ready)
                {
                    if (!headWritten)
                    {
                        response.StatusCode = _statusCode;
                        foreach (var (name, value) in _headers!)
                        {
                            response.Headers[name] = value;
                        }

                        beforeHead(response);
                        headWritten = true;
                    }

                    pending = _chunks.Count > next ? _chunks.GetRange(next, _chunks.Count - next).ToArray() : [];
                    next += pending.Length;
                }
            }

            foreach (var chunk in pending)
            {
                await response.Body.WriteAsync(chunk, cancellationToken);
            }

            if (pending.Length > 0)
            {
                await response.Body.FlushAsync(cancellationToken);
            }

            if (completed)
            {
                return true;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The finished answer as a cache entry.</summary>
    public CachedAnswer ToCachedAnswer(bool streamed, DateTimeOffset now, TimeSpan ttl)
    {
        lock (_gate)
        {
            var body = new byte[_length];
            var offset = 0;
            foreach (var chunk in _chunks)
            {
                chunk.CopyTo(body, offset);
                offset += chunk.Length;
            }

            return new CachedAnswer(_statusCode, _headers ?? [], body, streamed, now, now + ttl);
        }
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>How a shared answer's production ended.</summary>
/// <param name="Shareable">False when the producing call was stopped for a reason of its own caller's (no upstream was reached), so the others must make their own call.</param>
/// <param name="BodyAborted">True when the answer was cut (a broken stream): every client's body is aborted after the same bytes.</param>
internal sealed record SharedOutcome(
    int StatusCode,
    string? ErrorClass,
    string? ErrorMessage,
    Deployment? Deployment,
    bool Shareable,
    bool BodyAborted)
{
    public bool Succeeded => StatusCode is >= 200 and < 300 && ErrorClass is null && !BodyAborted;
}
