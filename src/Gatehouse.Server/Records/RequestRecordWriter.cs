using System.Threading.Channels;
using Gatehouse.Configuration;
using Gatehouse.Hosting;
using Gatehouse.Records.Journal;
using Gatehouse.Storage;
using Microsoft.Extensions.Options;

namespace Gatehouse.Records;

/// <summary>
/// Takes records off the hot path and into the database without losing them. A call hands its
/// record over with <see cref="Accept"/>, which appends it to the journal (a file write, before the
/// call's answer completes) and queues it in memory; a background loop writes the queue in batches.
/// </summary>
/// <remarks>
/// Loss policy. The database being slow or down loses nothing: failed batches are retried with
/// backoff, and when the memory queue (<see cref="GatehouseOptions.RecordQueueCapacity"/>) is full a
/// journaled record waits in its journal file instead, read back once the queue has drained. A
/// record is lost only when the journal cannot take it (a full disk; or the journal is off) and the
/// queue is full too; that is counted in <see cref="DroppedCount"/>, logged with running totals at
/// most every <see cref="ReportInterval"/>, shown by <c>/api/status</c>, and makes readiness degraded.
/// Records still unwritten when the process stops (or is killed) are in the journal and are written
/// at the next start, before anything else reads the history.
/// </remarks>
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

    /// <summary>How often the loop looks after the journal when no records arrive (read back, close, delete files).</summary>
    private static readonly TimeSpan MaintenanceInterval = TimeSpan.FromSeconds(2);

    /// <summary>A segment this old that took records is closed, so it can be deleted once they are stored.</summary>
    private static readonly TimeSpan SegmentMaxAge = TimeSpan.FromSeconds(30);

    /// <summary>Losses and failures are logged at most this often, each time with the running totals.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A database write still running after this long counts as the database failing: SQLite waits
    /// out a lock (busy timeout and the driver's own retries, 30 s and more) before it reports one.
    /// </summary>
    public static readonly TimeSpan StalledWriteThreshold = TimeSpan.FromSeconds(5);

    /// <summary>How long after the last loss or failure readiness stays degraded.</summary>
    public static readonly TimeSpan TroubleWindow = TimeSpan.FromSeconds(60);

    private readonly Channel<QueuedRecord> _channel;
    private readonly IRequestRecordStore _store;
    private readonly IOptions<GatehouseOptions> _options;
    private readonly DataDirectory _dataDirectory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RequestRecordWriter> _logger;
    private RecordJournal? _journal;
    private long _dropped;
    private long _rejected;
    private long _written;
    private long _spilled;
    private long _replayed;
    private long _writeFailures;
    private long _consecutiveWriteFailures;
    private long _lastLossAt;
    private long _lastWriteAt;
    private long _writeStartedAt;
    private string? _lastWriteError;

    public RequestRecordWriter(IRequestRecordStore store, IOptions<GatehouseOptions> options, DataDirectory dataDirectory, TimeProvider timeProvider, ILogger<RequestRecordWriter> logger)
    {
        _store = store;
        _options = options;
        _dataDirectory = dataDirectory;
        _timeProvider = timeProvider;
        _logger = logger;
        _channel = Channel.CreateBounded<QueuedRecord>(new BoundedChannelOptions(options.Value.RecordQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite this means "refuse", so the record can go to the journal
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Records lost: neither the journal nor the memory queue could take them, or the database refused them for good.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped) + Interlocked.Read(ref _rejected);

    public long WrittenCount => Interlocked.Read(ref _written);

    public int QueuedCount => _channel.Reader.Count;

    /// <summary>
    /// Takes a call's record: into the journal first (so it survives the process dying from here
    /// on), then into the memory queue. Never blocks on the database and never throws.
    /// </summary>
    public void Accept(RequestRecord record)
    {
        var segment = _journal?.Append(record);
        if (_channel.Writer.TryWrite(new QueuedRecord(record, segment)))
        {
            return;
        }

        if (segment is not null)
        {
            // The queue is full (the database is behind) or closed (shutting down): the journal keeps it.
            segment.MarkSpilled();
            Interlocked.Increment(ref _spilled);
            ReportIfDue(); // the writer may be stuck in a write that has not failed yet
            return;
        }

        Interlocked.Increment(ref _dropped);
        Volatile.Write(ref _lastLossAt, _timeProvider.GetTimestamp());
        ReportIfDue();
    }

    /// <summary>
    /// Opens the journal (when on) and writes into the database every record an earlier run left in
    /// it, then deletes its files. Runs at start, after migrations and before anything reads history.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value.Records;
        if (!options.Journal)
        {
            return;
        }

        _journal = RecordJournal.Open(_dataDirectory.Path, syncEveryAppend: options.JournalSyncMilliseconds == 0, _timeProvider);
        var (records, segments) = await ReplayAsync(recoveredOnly: true, cancellationToken);
        if (segments > 0)
        {
            LogRecovered(records, segments);
        }

        await PruneJournalAsync(cancellationToken);
    }

    /// <summary>The journal, for its background sync; null when it is off (or before start).</summary>
    public RecordJournal? Journal => _journal;

    public RecordWriterStatus Status()
    {
        var lastLoss = Volatile.Read(ref _lastLossAt);
        var lastWrite = Volatile.Read(ref _lastWriteAt);
        var writeStarted = Volatile.Read(ref _writeStartedAt);
        return new RecordWriterStatus(
            QueuedCount,
            WrittenCount,
            Interlocked.Read(ref _spilled),
            Interlocked.Read(ref _replayed),
            Interlocked.Read(ref _dropped),
            Interlocked.Read(ref _rejected),
            Interlocked.Read(ref _writeFailures),
            Interlocked.Read(ref _consecutiveWriteFailures),
            Volatile.Read(ref _lastWriteError),
            lastWrite == 0 ? null : _timeProvider.GetElapsedTime(lastWrite),
            lastLoss == 0 ? null : _timeProvider.GetElapsedTime(lastLoss),
            writeStarted == 0 ? null : _timeProvider.GetElapsedTime(writeStarted),
            _journal?.Status());
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        _journal?.Dispose();
    }

    public override void Dispose()
    {
        _journal?.Dispose();
        base.Dispose();
    }

    /// <summary>A queued record and the journal segment that has it (null when it is not journaled).</summary>
    private readonly record struct QueuedRecord(RequestRecord Record, JournalSegment? Segment);
}
