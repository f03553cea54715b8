using System.Collections.Concurrent;

namespace Gatehouse.Budgets;

/// <summary>
/// Settles calls' reservations off the answer's path. The call's record (journaled before its
/// answer completes) is the durable copy of its cost, and every start reconciles budgets from the
/// records, so nothing a client has been answered for depends on the shared ledger having replied.
/// A settlement is handed to the ledger before <see cref="Settle"/> returns (on Redis: the script
/// is queued on the connection, ahead of anything this replica sends later), and only its reply is
/// not waited for: the alerts it reports are published when it comes. Settlements still in flight
/// at shutdown are waited for, so a graceful stop loses none.
/// </summary>
internal sealed partial class BudgetSettlements(IBudgetAdmission ledger, BudgetAlertSender alerts, ILogger<BudgetSettlements> logger) : IHostedService
{
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();

    /// <summary>Settlements sent whose reply has not come yet.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Releases <paramref name="reservation"/> and adds <paramref name="cost"/>, without waiting for the ledger's reply.</summary>
    public void Settle(BudgetReservation reservation, decimal cost)
    {
        ValueTask<List<BudgetAlert>?> settling;
        try
        {
            // Not the call's token: a client that left still owes what its call cost.
            settling = ledger.SettleAsync(reservation, cost, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogSettleFailed(ex, reservation.Tightest.Id);
            return;
        }

        if (settling.IsCompletedSuccessfully)
        {
            Publish(settling.Result);
            return;
        }

        Track(FinishAsync(settling.AsTask(), reservation.Tightest.Id));
    }

    /// <summary>Gives back, once the ledger has answered it, a reservation that no run used (cost 0).</summary>
    public void Release(Task<BudgetAdmission> admission)
    {
        if (admission.IsCompletedSuccessfully)
        {
            if (admission.Result.Reservation is { } reservation)
            {
                Settle(reservation, 0m);
            }

            return;
        }

        Track(ReleaseAsync(admission));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Waits for the settlements in flight (they fail over to the ledger's own pending queue when Redis is gone).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_inFlight.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogStoppedWithSettlements(_inFlight.Count);
        }
    }

    private void Track(Task task)
    {
        if (task.IsCompleted)
        {
            return;
        }

        _inFlight[task] = 0;
        _ = task.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), _inFlight, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task FinishAsync(Task<List<BudgetAlert>?> settling, string budgetId)
    {
        try
        {
            Publish(await settling);
        }
        catch (Exception ex)
        {
            // The cost is in the call's record, which a start's reconciliation counts.
            LogSettleFailed(ex, budgetId);
        }
    }

    private async Task ReleaseAsync(Task<BudgetAdmission> admission)
    {
        BudgetAdmission answered;
        try
        {
            answered = await admission;
        }
        catch (Exception ex)
        {
            // Nothing reserved that could be given back (a hold that did land expires with the reservation timeout).
            LogReleaseFailed(ex);
            return;
        }

        if (answered.Reservation is { } reservation)
        {
            Settle(reservation, 0m);
        }
    }

    private void Publish(List<BudgetAlert>? crossed)
    {
        if (crossed is not null)
        {
            alerts.Publish(crossed);
        }
    }

    [LoggerMessage(EventId = 1707, Level = LogLevel.Error, Message = "Settling a call's reservation against budget {BudgetId} failed; its cost is in its record, from which a replica's start reconciles the budget.")]
    private partial void LogSettleFailed(Exception exception, string budgetId);

    [LoggerMessage(EventId = 1709, Level = LogLevel.Warning, Message = "A budget reservation sent with a call's limits failed, and the call did not use it.")]
    private partial void LogReleaseFailed(Exception exception);

    [LoggerMessage(EventId = 1708, Level = LogLevel.Warning, Message = "Stopped with {Count} budget settlements unanswered; their costs are in the records, from which a replica's start reconciles the budgets.")]
    private partial void LogStoppedWithSettlements(int count);
}
