using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Gatehouse.Records.Journal;

/// <summary>
/// The request records' write-ahead journal: append-only files in <c>{data}/journal</c> that every
/// record reaches before its call's answer is complete (the recording stage holds the answer's last
/// bytes until then), so an answered call keeps its record however the process dies. An append is
/// one positioned write: once it returns, the bytes are in the operating system's page cache and
/// survive the process being killed. <see cref="Sync"/> flushes them to the disk itself, which
/// bounds what a machine crash can lose to the sync interval.
/// </summary>
/// <remarks>
/// The journal is split into segments. The newest takes appends; older ones are deleted by the
/// record writer once every record in them is in the database and the database has made it
/// durable. Segments found at start belong to a run that ended before its records reached the
/// database: they are read back first (<see cref="JournalSegment.Recovered"/>).
/// </remarks>
internal sealed partial class RecordJournal : IDisposable
{
    public const string DirectoryName = "journal";

    /// <summary>A segment this large takes no more appends; reading one back costs at most this much memory.</summary>
    public const long MaxSegmentBytes = 8 * 1024 * 1024;

    private const string FilePrefix = "records-";
    private const string FileExtension = ".journal";

    private readonly Lock _gate = new();
    private readonly List<JournalSegment> _segments = [];
    private readonly TimeProvider _timeProvider;
    private readonly bool _syncEveryAppend;
    private SafeFileHandle _handle;
    private JournalSegment _current;
    private long _currentOpenedAt;
    private long _appended;
    private long _appendFailures;
    private long _lastFailureAt;
    private string? _lastFailure;
    /// <summary>When the oldest append not yet flushed to the disk was made; 0 when every append is on the disk.</summary>
    private long _oldestUnsyncedAt;
    private bool _disposed;

    private RecordJournal(string directory, bool syncEveryAppend, TimeProvider timeProvider)
    {
        Directory = directory;
        _syncEveryAppend = syncEveryAppend;
        _timeProvider = timeProvider;
        long last = 0;
        foreach (var (sequence, path) in FindSegments(directory))
        {
            _segments.Add(new JournalSegment(sequence, path, recovered: true) { Length = new FileInfo(path).Length });
            last = sequence;
        }

        (_current, _handle) = CreateSegment(last + 1);
        _segments.Add(_current);
        _currentOpenedAt = timeProvider.GetTimestamp();
    }

    public string Directory { get; }

    public long AppendFailures => Interlocked.Read(ref _appendFailures);

    /// <summary>Opens the journal in <paramref name="dataDirectory"/>, creating it; a new segment takes the appends.</summary>
    /// <exception cref="IOException">The directory or the new segment cannot be created or written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static RecordJournal Open(string dataDirectory, bool syncEveryAppend, TimeProvider timeProvider)
    {
        var directory = Path.Combine(dataDirectory, DirectoryName);
        System.IO.Directory.CreateDirectory(directory);
        return new RecordJournal(directory, syncEveryAppend, timeProvider);
    }

    /// <summary>
    /// Appends one record; returns its segment, or null when the write failed (a full disk, an I/O
    /// error), which is counted and leaves the journal as it was. Never throws.
    /// </summary>
    public JournalSegment? Append(RequestRecord record)
    {
        var frame = RecordJournalFrame.Encode(record);
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }

            try
            {
                if (_current.Length + frame.Length > MaxSegmentBytes && _current.Appended > 0)
                {
                    RotateLocked();
                }

                // Written at the segment's end; a failed or partial write leaves Length where it was,
                // so the next append overwrites the torn bytes.
                RandomAccess.Write(_handle, frame.Span, _current.Length);
                if (_syncEveryAppend)
                {
                    RandomAccess.FlushToDisk(_handle);
                }

                _current.Length += frame.Length;
                _current.CountAppended();
                if (!_syncEveryAppend && _oldestUnsyncedAt == 0)
                {
                    _oldestUnsyncedAt = _timeProvider.GetTimestamp();
                }

                _appended++;
                return _current;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _appendFailures++;
                _lastFailure = ex.Message;
                _lastFailureAt = _timeProvider.GetTimestamp();
                return null;
            }
        }
    }

    /// <summary>Flushes the appends since the last sync to the disk (fsync). Appends go on meanwhile.</summary>
    public void Sync()
    {
        SafeFileHandle handle;
        long oldest;
        lock (_gate)
        {
            oldest = _oldestUnsyncedAt;
            if (_disposed || oldest == 0)
            {
                return;
            }

            handle = _handle;
            _oldestUnsyncedAt = 0;
        }

        // Kept open while it flushes, even if a rotation closes it meanwhile.
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            lock (_gate)
            {
                _oldestUnsyncedAt = oldest; // still not on the disk, and older than anything appended since
                _lastFailure = ex.Message;
                _lastFailureAt = _timeProvider.GetTimestamp();
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Closes the current segment if it holds records and is older than <paramref name="age"/>, or holds records that must be read back.</summary>
    public void RotateIfDue(TimeSpan age)
    {
        lock (_gate)
        {
            if (_disposed || _current.Appended == 0)
            {
                return;
            }

            if (_current.NeedsReplay || _timeProvider.GetElapsedTime(_currentOpenedAt) >= age)
            {
                try
                {
                    RotateLocked();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    _lastFailure = ex.Message;
                    _lastFailureAt = _timeProvider.GetTimestamp();
                }
            }
        }
    }

    /// <summary>The closed segments, oldest first.</summary>
    public IReadOnlyList<JournalSegment> ClosedSegments()
    {
        lock (_gate)
        {
            return [.. _segments.Where(static s => s.Closed)];
        }
    }

    /// <summary>Reads a closed segment's records back, in order, up to the first torn or corrupt entry.</summary>
    public static IReadOnlyList<RequestRecord> Read(JournalSegment segment) => RecordJournalReader.Read(segment.Path, out _);

    /// <summary>Deletes a closed segment whose records are all in the database.</summary>
    public void Delete(JournalSegment segment)
    {
        if (!segment.Closed)
        {
            throw new InvalidOperationException("The current segment cannot be deleted.");
        }

        File.Delete(segment.Path);
        lock (_gate)
        {
            _segments.Remove(segment);
        }
    }

    public RecordJournalStatus Status()
    {
        lock (_gate)
        {
            return new RecordJournalStatus(
                _segments.Count,
                _segments.Sum(static s => s.Length),
                _appended,
                _appendFailures,
                _lastFailure,
                _lastFailureAt == 0 ? null : _timeProvider.GetElapsedTime(_lastFailureAt),
                _oldestUnsyncedAt == 0 ? TimeSpan.Zero : _timeProvider.GetElapsedTime(_oldestUnsyncedAt));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                RandomAccess.FlushToDisk(_handle);
            }
            catch (IOException)
            {
                // Nothing more can be done; the page cache still has the bytes.
            }

            _handle.Dispose();
            if (_current.Appended == 0)
            {
                File.Delete(_current.Path);
            }
        }
    }

    // Called with _gate held. The new segment is created first, so a failure leaves the current one in place.
    private void RotateLocked()
    {
        var (next, handle) = CreateSegment(_current.Sequence + 1);
        RandomAccess.FlushToDisk(_handle);
        _handle.Dispose();
        _current.Close();
        _current = next;
        _handle = handle;
        _segments.Add(next);
        _currentOpenedAt = _timeProvider.GetTimestamp();
        _oldestUnsyncedAt = 0;
    }

    private (JournalSegment Segment, SafeFileHandle Handle) CreateSegment(long sequence)
    {
        var path = Path.Combine(Directory, FilePrefix + sequence.ToString("D12", CultureInfo.InvariantCulture) + FileExtension);
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            RandomAccess.Write(handle, RecordJournalReader.Magic, 0);
        }
        catch
        {
            handle.Dispose();
            File.Delete(path);
            throw;
        }

        return (new JournalSegment(sequence, path, recovered: false) { Length = RecordJournalReader.Magic.Length }, handle);
    }

    private static IEnumerable<(long Sequence, string Path)> FindSegments(string directory) => System.IO.Directory
        .EnumerateFiles(directory, FilePrefix + "*" + FileExtension)
        .Select(static path => (Name: Path.GetFileNameWithoutExtension(path)[FilePrefix.Length..], Path: path))
        .Where(static f => long.TryParse(f.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        .Select(static f => (long.Parse(f.Name, NumberStyles.None, CultureInfo.InvariantCulture), f.Path))
        .OrderBy(static f => f.Item1);
}
