using System.Threading.Channels;
using Gatehouse.Storage;

namespace Gatehouse.Budgets;

/// <summary>
/// Saves settled spend behind the ledger, so no call waits on the database: every second, at once
/// when an alert fired (so a restart does not fire it again), and a last time at shutdown (after
/// Kestrel has drained the calls in flight). Rows are absolute values per budget and period, so a
/// save that is repeated after a failure cannot count anything twice. A crash loses at most the
/// last second of settled spend, like the request records queued at that moment.
/// </summary>
internal sealed partial class BudgetSpendWriter(BudgetLedger ledger, IBudgetStore store, TimeProvider timeProvider, ILogger<BudgetSpendWriter> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _soon = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks for a save now rather than at the next interval.</summary>
    public void SaveSoon() => _soon.Writer.TryWrite(true);

    /// <summary>Saves whatever changed; on failure the accounts stay marked and the next round tries again.</summary>
    public async Task<bool> SaveAsync(CancellationToken cancellationToken)
    {
        var changes = ledger.TakeChanges();
        if (changes.Count == 0)
        {
            return true;
        }

        try
        {
            await store.SaveSpendAsync(changes, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ledger.MarkUnsaved(changes.Select(c => c.BudgetId).Distinct());
            LogSaveFailed(ex, changes.Count);
            return false;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!await SaveAsync(CancellationToken.None))
        {
            LogLostAtShutdown();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var interval = new CancellationTokenSource(Interval, timeProvider))
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token))
            {
                await ((Task)_soon.Reader.WaitToReadAsync(wait.Token).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                _soon.Reader.TryRead(out _);
            }

            if (!stoppingToken.IsCancellationRequested)
            {
                await SaveAsync(stoppingToken);
            }
        }
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Error, Message = "Saving the spend of {Count} budgets failed; it stays in memory and is retried.")]
    private partial void LogSaveFailed(Exception exception, int count);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Error, Message = "Budget spend could not be saved at shutdown; the spend settled since the last save is lost.")]
    private partial void LogLostAtShutdown();
}
