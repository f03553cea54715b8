using Gatehouse.Records;

namespace Gatehouse.Status;

/// <summary>
/// Request history in <c>/api/status</c>. <see cref="State"/>: <c>ok</c>; <c>delayed</c> (the
/// database's last write failed, or the current one has waited 5 s or more; records wait in memory
/// and the journal, none lost); <c>losing</c> (records were lost in the last minute); <c>unprotected</c>
/// (the journal is failing or off: answered calls are not crash-safe). Counts are since start; times are seconds ago, null for never.
/// </summary>
public sealed record RecordsStatus(
    string State,
    int Queued,
    long Written,
    long SpilledToJournal,
    long ReplayedFromJournal,
    long Dropped,
    long Rejected,
    long WriteFailures,
    long ConsecutiveWriteFailures,
    string? LastWriteError,
    double? SecondsSinceLastWrite,
    double? SecondsSinceLastLoss,
    double? SecondsWriting,
    JournalStatus Journal)
{
    internal static RecordsStatus From(RecordWriterStatus status, int syncMilliseconds)
    {
        var window = RequestRecordWriter.TroubleWindow;
        var state = status.LostWithin(window) ? "losing"
            : status.Journal is null || status.JournalFailingWithin(window) ? "unprotected"
            : status.DatabaseFailing ? "delayed"
            : "ok";
        var journal = status.Journal is { } j
            ? new JournalStatus(true, j.Segments, j.Bytes, j.Appended, j.AppendFailures, j.LastFailure, Seconds(j.SinceLastFailure), syncMilliseconds, Seconds(j.UnsyncedFor))
            : new JournalStatus(false, 0, 0, 0, 0, null, null, syncMilliseconds, null);
        return new RecordsStatus(
            state, status.Queued, status.Written, status.Spilled, status.Replayed, status.Dropped, status.Rejected,
            status.WriteFailures, status.ConsecutiveWriteFailures, status.LastWriteError, Seconds(status.SinceLastWrite), Seconds(status.SinceLastLoss), Seconds(status.WritingFor), journal);
    }

    private static double? Seconds(TimeSpan? span) => span is { } s ? Math.Round(s.TotalSeconds, 3) : null;
}

/// <summary>The record journal: files on disk, records appended since start, failures, and how long its oldest append not yet flushed to the disk has waited (0 when all are).</summary>
public sealed record JournalStatus(
    bool Enabled,
    int Segments,
    long Bytes,
    long Appended,
    long AppendFailures,
    string? LastFailure,
    double? SecondsSinceLastFailure,
    int SyncMilliseconds,
    double? UnsyncedSeconds);
