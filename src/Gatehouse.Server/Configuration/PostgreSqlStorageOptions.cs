namespace Gatehouse.Configuration;

/// <summary><c>Gatehouse:Storage:PostgreSql</c>: the day partitions of <c>request_records</c>.</summary>
public sealed class PostgreSqlStorageOptions
{
    /// <summary>
    /// Days of request records kept: a day partition whose whole day is older than this many days is
    /// dropped (cheap, unlike DELETE). 0, the default, keeps everything.
    /// </summary>
    public int RecordRetentionDays { get; set; }

    /// <summary>
    /// Create new day partitions UNLOGGED: no write-ahead log, so inserts are faster and replicas'
    /// WAL traffic smaller, but PostgreSQL empties them after a server crash and they are not
    /// streamed to standbys. Existing partitions keep how they were created. Off by default.
    /// </summary>
    public bool UnloggedRecords { get; set; }

    /// <summary>How many days after today get their partition ahead of time (1–31).</summary>
    public int PartitionDaysAhead { get; set; } = 3;
}
