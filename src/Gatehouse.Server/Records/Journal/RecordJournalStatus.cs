namespace Gatehouse.Records.Journal;

/// <summary>The journal right now: its files, what was appended since start, failures, and how long its oldest append not yet on the disk has waited (zero when all are): what a power loss would take.</summary>
internal sealed record RecordJournalStatus(
    int Segments,
    long Bytes,
    long Appended,
    long AppendFailures,
    string? LastFailure,
    TimeSpan? SinceLastFailure,
    TimeSpan UnsyncedFor);
