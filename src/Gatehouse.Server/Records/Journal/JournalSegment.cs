namespace Gatehouse.Records.Journal;

/// <summary>
/// One journal file and what became of its records: how many were appended, how many the database
/// has (counted by the record writer as its batches commit), and whether any of them could not be
/// queued in memory and must be read back from the file. A closed segment whose every record is in
/// the database can be deleted.
/// </summary>
internal sealed class JournalSegment(long sequence, string path, bool recovered)
{
    private int _appended;
    private int _committed;
    private volatile bool _spilled = recovered;
    private volatile bool _closed = recovered;

    public long Sequence { get; } = sequence;

    public string Path { get; } = path;

    /// <summary>Found at start, from an earlier run: every record in it is read back (the database has most of them already).</summary>
    public bool Recovered { get; } = recovered;

    /// <summary>Bytes in the file, header included (the current segment's grows with each append).</summary>
    public long Length { get; set; }

    /// <summary>No more appends: a newer segment took over.</summary>
    public bool Closed => _closed;

    /// <summary>Some records are only in the file (the memory queue was full, or this is a recovered segment).</summary>
    public bool NeedsReplay => _spilled;

    public int Appended => Volatile.Read(ref _appended);

    /// <summary>Closed, nothing to read back, and every record appended is in the database.</summary>
    public bool FullyCommitted => _closed && !NeedsReplay && Volatile.Read(ref _committed) >= Volatile.Read(ref _appended);

    public void CountAppended() => Interlocked.Increment(ref _appended);

    public void CountCommitted(int count) => Interlocked.Add(ref _committed, count);

    public void MarkSpilled() => _spilled = true;

    public void Close() => _closed = true;

    /// <summary>After a replay read every record of the (closed) file into the database.</summary>
    public void MarkReplayed()
    {
        _spilled = false;
        Volatile.Write(ref _committed, Volatile.Read(ref _appended));
    }
}
