using Gatehouse.Storage;

namespace Gatehouse.Budgets;

/// <summary>
/// At start, sets each budget's spend in its current period from the request records, which are
/// complete after a crash (every answered call's record is journaled before its answer completes,
/// and the journal is replayed before this runs), whereas saved spend can lag the last second of
/// calls. A budget counts the calls of its key, or of every key of its owner, from the start of its
/// period or its creation, whichever is later: exactly what the ledger added while it ran. Alerts
/// already fired in the period are kept from the saved row, so a restart does not send them again.
/// </summary>
internal sealed partial class BudgetReconciler(IRequestRecordStore records, ILogger<BudgetReconciler> logger)
{
    /// <summary>The spend to load for each budget's current period, and the ids whose saved spend was wrong (to be saved again).</summary>
    public async Task<(List<BudgetSpend> Spend, List<string> Corrected)> ReconcileAsync(
        IReadOnlyList<Budget> budgets, IReadOnlyList<BudgetSpend> saved, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var latest = saved.GroupBy(s => s.BudgetId).ToDictionary(g => g.Key, g => g.MaxBy(s => s.PeriodStart)!, StringComparer.Ordinal);
        var spend = new List<BudgetSpend>(budgets.Count);
        var corrected = new List<string>();
        foreach (var budget in budgets)
        {
            var periodStart = BudgetPeriods.StartOf(budget.Period, now);
            var from = budget.CreatedAt > periodStart ? budget.CreatedAt : periodStart;
            var recorded = budget.Scope == BudgetScope.Key
                ? await records.SumCostByKeyAsync(budget.Subject, from, cancellationToken)
                : await records.SumCostByOwnerAsync(budget.Subject, from, cancellationToken);
            var row = latest.GetValueOrDefault(budget.Id) is { } s && s.PeriodStart == periodStart ? s : null;
            if ((row?.SpentUsd ?? 0m) != recorded)
            {
                LogCorrected(budget.Label, row?.SpentUsd ?? 0m, recorded);
                corrected.Add(budget.Id);
            }

            spend.Add(new BudgetSpend(budget.Id, periodStart, recorded, row?.AlertsFired ?? [], now));
        }

        return (spend, corrected);
    }

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "Budget {Budget}: saved spend {SavedUsd} USD differs from its request records, {RecordedUsd} USD; the records count (the saved spend lagged a crash).")]
    private partial void LogCorrected(string budget, decimal savedUsd, decimal recordedUsd);
}
