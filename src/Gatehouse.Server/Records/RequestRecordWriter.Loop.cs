using System.Threading.Channels;

namespace Gatehouse.Records;

internal sealed partial class RequestRecordWriter
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<QueuedRecord>(MaxBatchSize);
        var reader = _channel.Reader;

        // The loop ends only when the channel is completed (in StopAsync) and drained, not on stoppingToken.
        while (await WaitForRecordsAsync(reader) is var ready && ready is not false)
        {
            if (ready is true)
            {
                if (!stoppingToken.IsCancellationRequested && reader.Count < MaxBatchSize)
                {
                    await Task.Delay(BatchLinger, _timeProvider, CancellationToken.None);
                }

                while (batch.Count < MaxBatchSize && reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                await WriteWithRetryAsync(batch, replay: false, maxAttempts: null, stoppingToken);
                batch.Clear();
            }

            if (reader.Count == 0)
            {
                // Caught up: now read back what the queue could not take, and delete finished journal files.
                await MaintainJournalAsync(stoppingToken);
            }

            ReportIfDue();
        }

        await MaintainJournalAsync(stoppingToken);
        ReportIfDue();
    }

    /// <summary>True when records are waiting, false when the queue is closed and empty, null after a quiet interval.</summary>
    private async Task<bool?> WaitForRecordsAsync(ChannelReader<QueuedRecord> reader)
    {
        if (reader.Count > 0)
        {
            return true;
        }

        using var quiet = new CancellationTokenSource(MaintenanceInterval, _timeProvider);
        try
        {
            return await reader.WaitToReadAsync(quiet.Token);
        }
        catch (OperationCanceledException) when (quiet.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes a batch, retrying with backoff while the database fails (a failure of the database is
    /// never a reason to lose a record). Records the database refuses for good (a value it cannot
    /// hold) are found by splitting the batch and are the only ones given up. Returns false when it
    /// gave up: shutting down (or <paramref name="maxAttempts"/> reached) with the database still failing;
    /// journaled records then wait in the journal for the next start.
    /// </summary>
    private async Task<bool> WriteWithRetryAsync(List<QueuedRecord> batch, bool replay, int? maxAttempts, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            Volatile.Write(ref _writeStartedAt, _timeProvider.GetTimestamp());
            try
            {
                var refused = await InsertIsolatingRefusedAsync(batch);
                OnStored(batch, refused, replay);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                OnWriteFailed(ex, batch.Count, attempt);
                if ((stoppingToken.IsCancellationRequested && attempt >= 3) || attempt >= maxAttempts)
                {
                    OnGaveUp(batch);
                    return false;
                }

                await Task.Delay(delay, _timeProvider, CancellationToken.None);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>
    /// Inserts the batch; when the store throws for a record's value rather than for the database
    /// (see <see cref="IsRefusal"/>), halves it until the refused records are alone, stores the rest
    /// and returns those. If every record is refused the failure is the database's after all, and
    /// it is thrown to be retried.
    /// </summary>
    private async Task<List<QueuedRecord>?> InsertIsolatingRefusedAsync(List<QueuedRecord> batch)
    {
        try
        {
            await _store.InsertBatchAsync(batch.ConvertAll(static q => q.Record), CancellationToken.None);
            return null;
        }
        catch (Exception ex) when (IsRefusal(ex) && batch.Count > 1)
        {
            var refused = new List<QueuedRecord>();
            await InsertHalvesAsync(batch, refused);
            if (refused.Count == batch.Count)
            {
                throw;
            }

            LogRefused(ex, refused.Count, refused[0].Record.Id);
            return refused;
        }
    }

    private async Task InsertHalvesAsync(List<QueuedRecord> part, List<QueuedRecord> refused)
    {
        try
        {
            await _store.InsertBatchAsync(part.ConvertAll(static q => q.Record), CancellationToken.None);
        }
        catch (Exception ex) when (IsRefusal(ex))
        {
            if (part.Count == 1)
            {
                refused.Add(part[0]);
                return;
            }

            var half = part.Count / 2;
            await InsertHalvesAsync(part[..half], refused);
            await InsertHalvesAsync(part[half..], refused);
        }
    }

    /// <summary>An exception about a value (converting it for the database, or the database refusing it), not about the database: retrying cannot help.</summary>
    private static bool IsRefusal(Exception ex) =>
        ex is OverflowException or ArgumentException or InvalidCastException or FormatException || Storage.StorageErrors.IsValueRefused(ex);

    private void OnStored(List<QueuedRecord> batch, List<QueuedRecord>? refused, bool replay)
    {
        var stored = batch.Count - (refused?.Count ?? 0);
        if (!replay)
        {
            Interlocked.Add(ref _written, stored);
        }

        if (refused is { Count: > 0 })
        {
            Interlocked.Add(ref _rejected, refused.Count);
            Volatile.Write(ref _lastLossAt, _timeProvider.GetTimestamp());
        }

        foreach (var item in batch)
        {
            item.Segment?.CountCommitted(1);
        }

        Interlocked.Exchange(ref _consecutiveWriteFailures, 0);
        Volatile.Write(ref _lastWriteAt, _timeProvider.GetTimestamp());
        Volatile.Write(ref _writeStartedAt, 0);
    }

    private void OnWriteFailed(Exception ex, int count, int attempt)
    {
        Volatile.Write(ref _writeStartedAt, 0);
        Interlocked.Increment(ref _writeFailures);
        Interlocked.Increment(ref _consecutiveWriteFailures);
        Volatile.Write(ref _lastWriteError, ex.Message);
        if (attempt == 1)
        {
            // Later attempts are summed up in the periodic report instead of a line each.
            LogWriteFailed(ex, count);
        }

        ReportIfDue();
    }

    /// <summary>Records not in the journal are lost; journaled ones are written at the next start.</summary>
    private void OnGaveUp(List<QueuedRecord> batch)
    {
        var lost = batch.Count(static q => q.Segment is null);
        if (lost > 0)
        {
            Interlocked.Add(ref _dropped, lost);
            Volatile.Write(ref _lastLossAt, _timeProvider.GetTimestamp());
        }

        LogGaveUp(batch.Count, batch.Count - lost, lost);
    }
}
