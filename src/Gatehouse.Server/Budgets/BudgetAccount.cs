namespace Gatehouse.Budgets;

/// <summary>
/// One budget's live numbers: settled spend in the current period, what calls in flight hold, and
/// the thresholds already alerted. Every member is used only while <see cref="Gate"/> is held.
/// </summary>
internal sealed class BudgetAccount
{
    private readonly List<decimal> _alertsFired = [];

    public BudgetAccount(Budget budget, DateTimeOffset now, BudgetSpend? saved)
    {
        Budget = budget;
        PeriodStart = BudgetPeriods.StartOf(budget.Period, now);
        if (saved is not null && saved.PeriodStart == PeriodStart)
        {
            Spent = saved.SpentUsd;
            _alertsFired.AddRange(saved.AlertsFired);
        }
    }

    public Lock Gate { get; } = new();

    public Budget Budget { get; private set; }

    public DateTimeOffset PeriodStart { get; private set; }

    public DateTimeOffset? PeriodEnd => BudgetPeriods.EndOf(Budget.Period, PeriodStart);

    public decimal Spent { get; private set; }

    /// <summary>Worst-case costs of admitted calls that have not settled yet. Not tied to a period: a call admitted before midnight settles after it.</summary>
    public decimal Reserved { get; private set; }

    /// <summary>Changed since the last save; the spend writer clears it when it takes a snapshot.</summary>
    public bool Dirty { get; private set; }

    /// <summary>Set when the budget is deleted: calls in flight still settle here, but nothing is saved.</summary>
    public bool Removed { get; set; }

    /// <summary>The last unsaved numbers of the period that just ended, for the spend writer.</summary>
    public BudgetSpend? ClosedPeriod { get; private set; }

    public decimal Available => Budget.LimitUsd - Spent - Reserved;

    /// <summary>Starts a new period when the current one has ended (UTC midnight, the first of the month).</summary>
    public void RollOver(DateTimeOffset now)
    {
        if (PeriodEnd is not { } end || now < end)
        {
            return;
        }

        if (Dirty)
        {
            ClosedPeriod = Snapshot(now);
        }

        PeriodStart = BudgetPeriods.StartOf(Budget.Period, now);
        Spent = 0m;
        _alertsFired.Clear();
        Dirty = true;
    }

    public void Reserve(decimal amount) => Reserved += amount;

    /// <summary>Gives back a call's reservation and adds what it really cost; returns the thresholds it crossed first.</summary>
    public List<BudgetAlert>? Settle(decimal reserved, decimal cost, DateTimeOffset now)
    {
        RollOver(now);
        Reserved -= reserved;
        if (cost != 0m)
        {
            Spent += cost;
            Dirty = true;
        }

        return CrossedThresholds(now);
    }

    /// <summary>
    /// Takes the numbers every replica shares (Redis) for <paramref name="periodStart"/>. Shared spend
    /// only grows within a period, so a lower number is an older one and changes nothing; thresholds
    /// it has passed count as alerted, because the replica whose settlement crossed them sent the alert.
    /// </summary>
    public void Mirror(DateTimeOffset now, DateTimeOffset periodStart, decimal spent, decimal reserved)
    {
        RollOver(now);
        if (periodStart != PeriodStart)
        {
            return;
        }

        if (spent > Spent)
        {
            Spent = spent;
            Dirty = true;
        }

        Reserved = reserved;
        foreach (var threshold in Budget.AlertThresholds)
        {
            if (Spent >= Budget.LimitUsd * threshold / 100m && !_alertsFired.Contains(threshold))
            {
                _alertsFired.Add(threshold);
                Dirty = true;
            }
        }
    }

    /// <summary>The alert for a threshold this replica's settlement crossed first among all replicas (after <see cref="Mirror"/>).</summary>
    public BudgetAlert Alert(decimal threshold, DateTimeOffset now) =>
        new(Budget.Id, Budget.Name, Budget.Scope.Name(), Budget.Subject, Budget.Period.Name(), PeriodStart, threshold, Spent, Budget.LimitUsd, now);

    /// <summary>A new limit or new thresholds: alerts start over for this period, and any threshold already passed fires at the next settlement.</summary>
    public void Replace(Budget budget)
    {
        if (budget.LimitUsd != Budget.LimitUsd || !budget.AlertThresholds.SequenceEqual(Budget.AlertThresholds))
        {
            _alertsFired.Clear();
        }

        Budget = budget;
        Dirty = true;
    }

    public BudgetState State() => new(Budget, PeriodStart, PeriodEnd, Spent, Reserved, [.. _alertsFired]);

    /// <summary>The numbers to save, clearing the dirty mark (the caller marks it again if saving fails).</summary>
    public (BudgetSpend? Closed, BudgetSpend Current) TakeSnapshot(DateTimeOffset now)
    {
        var closed = ClosedPeriod;
        ClosedPeriod = null;
        Dirty = false;
        return (closed, Snapshot(now));
    }

    public void MarkDirty() => Dirty = true;

    private BudgetSpend Snapshot(DateTimeOffset now) => new(Budget.Id, PeriodStart, Spent, [.. _alertsFired], now);

    private List<BudgetAlert>? CrossedThresholds(DateTimeOffset now)
    {
        List<BudgetAlert>? crossed = null;
        foreach (var threshold in Budget.AlertThresholds)
        {
            if (Spent >= Budget.LimitUsd * threshold / 100m && !_alertsFired.Contains(threshold))
            {
                _alertsFired.Add(threshold);
                Dirty = true;
                (crossed ??= []).Add(Alert(threshold, now));
            }
        }

        return crossed;
    }
}
