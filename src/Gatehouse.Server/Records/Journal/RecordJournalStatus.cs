namespace Gatehouse.Records.Journal;

/// <summary>The journal right now: its files, what was appended since start, failures, and how long ago it last reached the disk.</summary>
internal sealed record RecordJournalStatus(
    int Segments,
    long Bytes,
    long Appended,
    long AppendFailures,
    string? LastFailure,
    TimeSpan? SinceLastFailure,
    TimeSpan SinceLastSync);
