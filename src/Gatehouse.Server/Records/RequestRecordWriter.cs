using System.Threading.Channels;
using Gatehouse.Configuration;
using Gatehouse.Storage;

namespace Gatehouse.Records;

/// <summary>
/// Takes records off the hot path: requests enqueue without waiting, and a background loop writes
/// them in batches. Policy when the database is slow or down: the queue is bounded
/// (<see cref="GatehouseOptions.RecordQueueCapacity"/>); failed batches are retried with backoff and
/// never dropped; when the queue is full, new records are dropped, counted in <see cref="DroppedCount"/>
/// and logged. Shutdown stops taking new work only after the server has drained its requests, then
/// writes everything queued.
/// </summary>
internal sealed partial class RequestRecordWriter : BackgroundService
{
    private const int MaxBatchSize = 500;

    /// <summary>
    /// How long the writer lets records gather before a write. One transaction per record would cost
    /// far more CPU than the request itself at moderate rates; 25 ms makes history appear a moment
    /// later and batches every rate above a few dozen requests per second.
    /// </summary>
    private static readonly TimeSpan BatchLinger = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly Channel<RequestRecord> _channel;
    private readonly IRequestRecordStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RequestRecordWriter> _logger;
    private long _dropped;
    private long _written;
    private long _lastDropLogTicks;

    public RequestRecordWriter(IRequestRecordStore store, Microsoft.Extensions.Options.IOptions<GatehouseOptions> options, TimeProvider timeProvider, ILogger<RequestRecordWriter> logger)
    {
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
        _channel = Channel.CreateBounded<RequestRecord>(new BoundedChannelOptions(options.Value.RecordQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite this means "refuse", so we can count the drop
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public long DroppedCount => Interlocked.Read(ref _dropped);

    public long WrittenCount => Interlocked.Read(ref _written);

    public int QueuedCount => _channel.Reader.Count;

    /// <summary>Queues a record without blocking. Returns false (and counts the loss) when the queue is full or closed.</summary>
    public bool TryEnqueue(RequestRecord record)
    {
        if (_channel.Writer.TryWrite(record))
        {
            return true;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        var now = _timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropLogTicks);
        if (_timeProvider.GetElapsedTime(last, now) > TimeSpan.FromSeconds(10) && Interlocked.CompareExchange(ref _lastDropLogTicks, now, last) == last)
        {
            LogDropping(dropped);
        }

        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<RequestRecord>(MaxBatchSize);
        var reader = _channel.Reader;

        // The loop ends only when the channel is completed (in StopAsync) and drained, not on stoppingToken.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            if (!stoppingToken.IsCancellationRequested && reader.Count < MaxBatchSize)
            {
                await Task.Delay(BatchLinger, _timeProvider, CancellationToken.None);
            }

            while (batch.Count < MaxBatchSize && reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            await WriteWithRetryAsync(batch, stoppingToken);
            batch.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        var remaining = _channel.Reader.Count;
        if (remaining > 0)
        {
            LogLostAtShutdown(remaining);
        }
    }

    private async Task WriteWithRetryAsync(List<RequestRecord> batch, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.InsertBatchAsync(batch, CancellationToken.None);
                Interlocked.Add(ref _written, batch.Count);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWriteFailed(ex, batch.Count, attempt, delay);
                if (stoppingToken.IsCancellationRequested && attempt >= 3)
                {
                    // Shutting down and the database still fails: give up rather than hang the host.
                    Interlocked.Add(ref _dropped, batch.Count);
                    LogLostAtShutdown(batch.Count);
                    return;
                }

                await Task.Delay(delay, _timeProvider, CancellationToken.None);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Request record queue is full; records are being dropped ({DroppedTotal} so far). The database is slower than the traffic.")]
    private partial void LogDropping(long droppedTotal);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "Writing {Count} request records failed (attempt {Attempt}); retrying in {Delay}.")]
    private partial void LogWriteFailed(Exception exception, int count, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Error, Message = "{Count} request records could not be written before shutdown and are lost.")]
    private partial void LogLostAtShutdown(int count);
}
