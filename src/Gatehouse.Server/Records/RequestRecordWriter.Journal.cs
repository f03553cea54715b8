using Gatehouse.Records.Journal;

namespace Gatehouse.Records;

internal sealed partial class RequestRecordWriter
{
    /// <summary>At start the database was just migrated; if it still refuses the earlier run's records, the loop tries again later.</summary>
    private const int StartupAttempts = 3;

    /// <summary>Reads back the records only in journal files, closes a segment that has been taking appends long enough, and deletes finished files.</summary>
    private async Task MaintainJournalAsync(CancellationToken stoppingToken)
    {
        if (_journal is null)
        {
            return;
        }

        _journal.RotateIfDue(SegmentMaxAge);
        await ReplayAsync(recoveredOnly: false, stoppingToken);
        await PruneJournalAsync(stoppingToken);
    }

    /// <summary>
    /// Writes every record of the closed segments that need it (records the queue could not take,
    /// or a recovered earlier run's) into the database; the ones it has already are ignored by id.
    /// </summary>
    private async Task<(int Records, int Segments)> ReplayAsync(bool recoveredOnly, CancellationToken stoppingToken)
    {
        var (records, segments) = (0, 0);
        foreach (var segment in _journal!.ClosedSegments())
        {
            if (!segment.NeedsReplay || (recoveredOnly && !segment.Recovered))
            {
                continue;
            }

            IReadOnlyList<RequestRecord> stored;
            try
            {
                stored = RecordJournal.Read(segment);
            }
            catch (IOException ex)
            {
                LogJournalUnreadable(ex, segment.Path);
                continue;
            }

            foreach (var chunk in stored.Chunk(MaxBatchSize))
            {
                var batch = Array.ConvertAll(chunk, r => new QueuedRecord(r, segment)).ToList();
                if (!await WriteWithRetryAsync(batch, replay: true, recoveredOnly ? StartupAttempts : null, stoppingToken))
                {
                    return (records, segments);
                }
            }

            segment.MarkReplayed();
            Interlocked.Add(ref _replayed, stored.Count);
            records += stored.Count;
            segments++;
        }

        return (records, segments);
    }

    /// <summary>Deletes the closed segments whose records are all in the database, once the database has made them durable.</summary>
    private async Task PruneJournalAsync(CancellationToken cancellationToken)
    {
        var finished = _journal!.ClosedSegments().Where(static s => s.FullyCommitted).ToList();
        if (finished.Count == 0)
        {
            return;
        }

        try
        {
            if (!await _store.MakeDurableAsync(cancellationToken))
            {
                return; // busy: the next round tries again, and the files are kept meanwhile
            }

            foreach (var segment in finished)
            {
                _journal.Delete(segment);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPruneFailed(ex);
        }
    }
}
