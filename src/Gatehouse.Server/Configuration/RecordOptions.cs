namespace Gatehouse.Configuration;

/// <summary>
/// <c>Gatehouse:Records</c>: how request records are kept safe between a call's answer and the
/// database. Every record is appended to a journal file in the data directory before its answer is
/// complete, so a record survives the process being killed; see <c>docs/records.md</c>.
/// </summary>
public sealed class RecordOptions
{
    /// <summary>
    /// Journal every record before its answer completes (the default). Off, records wait only in
    /// memory: a killed process loses the ones not yet written, and a database slower than the
    /// traffic for long makes the queue drop them.
    /// </summary>
    public bool Journal { get; set; } = true;

    /// <summary>
    /// How often the journal is flushed to the disk itself (fsync), which bounds what a machine crash
    /// (power loss, kernel panic) can lose; a process crash loses nothing either way. 0 flushes every
    /// record before its answer completes, which costs a disk flush per call.
    /// </summary>
    public int JournalSyncMilliseconds { get; set; } = 1000;
}
