namespace Gatehouse.Records;

internal sealed partial class RequestRecordWriter
{
    private readonly Lock _reportGate = new();
    private TroubleTotals _reported;
    private long _lastReportAt;

    /// <summary>
    /// Logs losses and failures since the last report, with running totals, at most once every
    /// <see cref="ReportInterval"/> (a locked database or a full disk must not flood the log, and
    /// must not go quiet after one line either).
    /// </summary>
    private void ReportIfDue()
    {
        var now = TroubleTotals.Of(this);
        if (now == _reported)
        {
            return;
        }

        lock (_reportGate)
        {
            var at = _timeProvider.GetTimestamp();
            if (now == _reported || (_lastReportAt != 0 && _timeProvider.GetElapsedTime(_lastReportAt, at) < ReportInterval))
            {
                return;
            }

            var since = now - _reported;
            var journal = _journal?.Status();
            if (since.Dropped + since.Rejected > 0)
            {
                LogLosing(since.Dropped + since.Rejected, now.Dropped + now.Rejected, QueuedCount, now.Spilled, journal?.LastFailure ?? Volatile.Read(ref _lastWriteError));
            }
            else if (since.WriteFailures > 0 || since.JournalFailures > 0 || since.Spilled > 0)
            {
                LogDelayed(since.WriteFailures, now.WriteFailures, since.JournalFailures, now.JournalFailures, QueuedCount, now.Spilled, Volatile.Read(ref _lastWriteError) ?? journal?.LastFailure);
            }

            _reported = now;
            _lastReportAt = at;
        }
    }

    /// <summary>The running totals a report compares.</summary>
    private readonly record struct TroubleTotals(long Dropped, long Rejected, long Spilled, long WriteFailures, long JournalFailures)
    {
        public static TroubleTotals Of(RequestRecordWriter writer) => new(
            Interlocked.Read(ref writer._dropped),
            Interlocked.Read(ref writer._rejected),
            Interlocked.Read(ref writer._spilled),
            Interlocked.Read(ref writer._writeFailures),
            writer._journal?.AppendFailures ?? 0);

        public static TroubleTotals operator -(TroubleTotals a, TroubleTotals b) => new(
            a.Dropped - b.Dropped, a.Rejected - b.Rejected, a.Spilled - b.Spilled, a.WriteFailures - b.WriteFailures, a.JournalFailures - b.JournalFailures);
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Error, Message = "Request records are being lost: {Lost} since the last report, {LostTotal} since start. {Queued} are queued in memory and {Spilled} went to the journal since start. Last failure: {LastFailure}")]
    private partial void LogLosing(long lost, long lostTotal, int queued, long spilled, string? lastFailure);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "Writing {Count} request records failed; retrying with backoff (they are kept meanwhile).")]
    private partial void LogWriteFailed(Exception exception, int count);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Error, Message = "Stopping with the database still failing: {Count} request records not written; {Journaled} of them are in the journal and will be written at the next start, {Lost} are lost.")]
    private partial void LogGaveUp(int count, int journaled, int lost);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "Request records are delayed, none lost: {WriteFailures} failed database writes since the last report ({WriteFailuresTotal} since start), {JournalFailures} journal failures ({JournalFailuresTotal}); {Queued} queued in memory, {Spilled} went to the journal since start. Last failure: {LastFailure}")]
    private partial void LogDelayed(long writeFailures, long writeFailuresTotal, long journalFailures, long journalFailuresTotal, int queued, long spilled, string? lastFailure);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "Recovered {Count} request records from {Segments} journal files of an earlier run (the ones already stored were skipped).")]
    private partial void LogRecovered(int count, int segments);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Error, Message = "The database refused {Count} request records for good (first: {RecordId}); they are dropped so the others are stored.")]
    private partial void LogRefused(Exception exception, int count, Guid recordId);

    [LoggerMessage(EventId = 1307, Level = LogLevel.Error, Message = "The journal file {Path} could not be read; it is kept.")]
    private partial void LogJournalUnreadable(Exception exception, string path);

    [LoggerMessage(EventId = 1308, Level = LogLevel.Warning, Message = "Finished journal files could not be deleted yet; the next round tries again.")]
    private partial void LogPruneFailed(Exception exception);
}
