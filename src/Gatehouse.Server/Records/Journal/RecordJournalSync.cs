using Gatehouse.Configuration;
using Microsoft.Extensions.Options;

namespace Gatehouse.Records.Journal;

/// <summary>
/// Flushes the journal to the disk every <see cref="RecordOptions.JournalSyncMilliseconds"/>, off the
/// request path: a process crash loses nothing without it, a machine crash loses at most the records
/// appended since the last flush. With an interval of 0 every append flushes itself and this does nothing.
/// </summary>
internal sealed class RecordJournalSync(RequestRecordWriter writer, IOptions<GatehouseOptions> options, TimeProvider timeProvider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.Records.JournalSyncMilliseconds);
        if (interval == TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                writer.Journal?.Sync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the journal flushes itself when it closes.
        }
    }
}
