using Gatehouse.Records.Journal;

namespace Gatehouse.Records;

/// <summary>Where request records stand: queued, stored, waiting in the journal, lost, and the database's recent failures.</summary>
internal sealed record RecordWriterStatus(
    int Queued,
    long Written,
    long Spilled,
    long Replayed,
    long Dropped,
    long Rejected,
    long WriteFailures,
    long ConsecutiveWriteFailures,
    string? LastWriteError,
    TimeSpan? SinceLastWrite,
    TimeSpan? SinceLastLoss,
    TimeSpan? WritingFor,
    RecordJournalStatus? Journal)
{
    /// <summary>The database is not storing records right now: its last write failed, or the current one has been running too long.</summary>
    public bool DatabaseFailing => ConsecutiveWriteFailures > 0 || WritingFor >= RequestRecordWriter.StalledWriteThreshold;

    /// <summary>Records were lost within <paramref name="window"/>.</summary>
    public bool LostWithin(TimeSpan window) => SinceLastLoss is { } since && since < window;

    /// <summary>The journal failed to take or sync a record within <paramref name="window"/>.</summary>
    public bool JournalFailingWithin(TimeSpan window) => Journal?.SinceLastFailure is { } since && since < window;
}
