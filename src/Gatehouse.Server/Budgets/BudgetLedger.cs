using System.Collections.Frozen;

namespace Gatehouse.Budgets;

/// <summary>
/// Every budget's live account, in memory: the admission authority. A call reserves its worst-case
/// cost against all of its budgets at once, under their locks, so two calls can never both take the
/// last dollar; it settles its real cost afterwards. Per process: replicas need a shared ledger
/// (Redis or the database) instead. The spend writer saves the settled numbers behind it. The
/// default <see cref="IBudgetAdmission"/>; with Redis it still holds the definitions and the index,
/// and mirrors the shared numbers for the spend writer and the API.
/// </summary>
/// <remarks>
/// Lock order, which keeps reservations free of deadlock: a call locks its key's budgets, then its
/// owner's, each group in id order. Only reservations hold more than one lock, and an owner's
/// budgets are never held while waiting for a key's.
/// </remarks>
internal sealed class BudgetLedger(TimeProvider timeProvider) : IBudgetAdmission
{
    private readonly Lock _indexGate = new();
    private readonly Dictionary<string, BudgetAccount> _accounts = new(StringComparer.Ordinal);
    private volatile Index _index = Index.Empty;

    public DateTimeOffset Now => timeProvider.GetUtcNow();

    /// <summary>Replaces every account with the stored budgets and the spend saved for their current periods.</summary>
    public void Load(IEnumerable<Budget> budgets, IEnumerable<BudgetSpend> saved)
    {
        var spend = saved.GroupBy(s => s.BudgetId).ToDictionary(g => g.Key, g => g.MaxBy(s => s.PeriodStart)!, StringComparer.Ordinal);
        var now = Now;
        lock (_indexGate)
        {
            _accounts.Clear();
            foreach (var budget in budgets)
            {
                _accounts[budget.Id] = new BudgetAccount(budget, now, spend.GetValueOrDefault(budget.Id));
            }

            Reindex();
        }
    }

    /// <summary>Adds a new budget or applies a changed limit, thresholds or name (spend is kept).</summary>
    public void Put(Budget budget)
    {
        lock (_indexGate)
        {
            if (_accounts.TryGetValue(budget.Id, out var account))
            {
                lock (account.Gate)
                {
                    account.Replace(budget);
                }

                return;
            }

            _accounts[budget.Id] = new BudgetAccount(budget, Now, saved: null);
            Reindex();
        }
    }

    public void Remove(string id)
    {
        lock (_indexGate)
        {
            if (_accounts.Remove(id, out var account))
            {
                lock (account.Gate)
                {
                    account.Removed = true;
                }

                Reindex();
            }
        }
    }

    /// <summary>The budgets that apply to a call by this key (and its owner), lock order first; null when none do.</summary>
    public BudgetAccount[]? Find(string keyId, string? owner)
    {
        var index = _index;
        if (index.IsEmpty)
        {
            return null;
        }

        index.ByKey.TryGetValue(keyId, out var forKey);
        BudgetAccount[]? forOwner = null;
        if (owner is not null)
        {
            index.ByOwner.TryGetValue(owner, out forOwner);
        }

        return (forKey, forOwner) switch
        {
            (null, null) => null,
            (_, null) => forKey,
            (null, _) => forOwner,
            _ => [.. forKey, .. forOwner],
        };
    }

    public bool Shared => false;

    public ValueTask<BudgetAdmission> ReserveAsync(BudgetAccount[] accounts, decimal amount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryReserve(accounts, amount, out var reservation, out var refusal)
            ? new BudgetAdmission(reservation, null)
            : new BudgetAdmission(null, refusal));

    public ValueTask RefreshAsync(string? budgetId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<List<BudgetAlert>?> SettleAsync(BudgetReservation reservation, decimal cost, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Settle(reservation, cost));

    /// <summary>
    /// Reserves <paramref name="amount"/> against every account, or against none: each must have
    /// something left and at least the amount left. Refuses with the first account that cannot pay.
    /// </summary>
    public bool TryReserve(BudgetAccount[] accounts, decimal amount, out BudgetReservation reservation, out BudgetRefusal refusal)
    {
        var now = Now;
        var locked = 0;
        try
        {
            BudgetAccount? tightest = null;
            var tightestRemaining = decimal.MaxValue;
            foreach (var account in accounts)
            {
                account.Gate.Enter();
                locked++;
                account.RollOver(now);
                var available = account.Available;
                if (available <= 0m || amount > available)
                {
                    reservation = null!;
                    refusal = new BudgetRefusal(account.State(), amount);
                    return false;
                }

                if (available < tightestRemaining)
                {
                    tightest = account;
                    tightestRemaining = available;
                }
            }

            foreach (var account in accounts)
            {
                account.Reserve(amount);
            }

            reservation = new BudgetReservation(accounts, amount, tightest!.Budget, tightestRemaining);
            refusal = null!;
            return true;
        }
        finally
        {
            for (var i = 0; i < locked; i++)
            {
                accounts[i].Gate.Exit();
            }
        }
    }

    /// <summary>Releases the reservation and adds the real cost to each account; returns the alert thresholds crossed.</summary>
    public List<BudgetAlert>? Settle(BudgetReservation reservation, decimal cost)
    {
        var now = Now;
        List<BudgetAlert>? crossed = null;
        foreach (var account in reservation.Accounts)
        {
            lock (account.Gate)
            {
                if (account.Settle(reservation.Amount, cost, now) is { } alerts)
                {
                    (crossed ??= []).AddRange(alerts);
                }
            }
        }

        return crossed;
    }

    /// <summary>The live account of a budget; null when there is none (deleted, or not loaded yet).</summary>
    public BudgetAccount? Account(string id)
    {
        lock (_indexGate)
        {
            return _accounts.GetValueOrDefault(id);
        }
    }

    /// <summary>Every live account, for a shared ledger to bring up to date.</summary>
    public BudgetAccount[] Accounts()
    {
        lock (_indexGate)
        {
            return [.. _accounts.Values];
        }
    }

    /// <summary>Takes the shared numbers of one account's period (see <see cref="BudgetAccount.Mirror"/>).</summary>
    public void Mirror(BudgetAccount account, DateTimeOffset periodStart, decimal spent, decimal reserved)
    {
        lock (account.Gate)
        {
            account.Mirror(Now, periodStart, spent, reserved);
        }
    }

    public BudgetState? State(string id)
    {
        BudgetAccount? account;
        lock (_indexGate)
        {
            _accounts.TryGetValue(id, out account);
        }

        return account is null ? null : StateOf(account);
    }

    /// <summary>Every budget's state, oldest first.</summary>
    public IReadOnlyList<BudgetState> States()
    {
        BudgetAccount[] accounts;
        lock (_indexGate)
        {
            accounts = [.. _accounts.Values];
        }

        return [.. accounts.Select(StateOf).OrderBy(s => s.Budget.CreatedAt).ThenBy(s => s.Budget.Id, StringComparer.Ordinal)];
    }

    /// <summary>Takes the numbers of every account changed since the last call, for saving.</summary>
    public List<BudgetSpend> TakeChanges()
    {
        BudgetAccount[] accounts;
        lock (_indexGate)
        {
            accounts = [.. _accounts.Values];
        }

        var now = Now;
        var changes = new List<BudgetSpend>();
        foreach (var account in accounts)
        {
            lock (account.Gate)
            {
                if (account.Removed || (!account.Dirty && account.ClosedPeriod is null))
                {
                    continue;
                }

                var (closed, current) = account.TakeSnapshot(now);
                if (closed is not null)
                {
                    changes.Add(closed);
                }

                changes.Add(current);
            }
        }

        return changes;
    }

    /// <summary>Marks accounts changed again after their numbers could not be saved (later numbers supersede the lost ones).</summary>
    public void MarkUnsaved(IEnumerable<string> budgetIds)
    {
        foreach (var id in budgetIds)
        {
            BudgetAccount? account;
            lock (_indexGate)
            {
                _accounts.TryGetValue(id, out account);
            }

            if (account is not null)
            {
                lock (account.Gate)
                {
                    account.MarkDirty();
                }
            }
        }
    }

    private BudgetState StateOf(BudgetAccount account)
    {
        lock (account.Gate)
        {
            account.RollOver(Now);
            return account.State();
        }
    }

    // Called with _indexGate held. Arrays are in id order: the lock order within each group.
    private void Reindex()
    {
        if (_accounts.Count == 0)
        {
            _index = Index.Empty;
            return;
        }

        FrozenDictionary<string, BudgetAccount[]> Group(BudgetScope scope) => _accounts.Values
            .Where(a => a.Budget.Scope == scope)
            .GroupBy(a => a.Budget.Subject, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(a => a.Budget.Id, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

        _index = new Index(Group(BudgetScope.Key), Group(BudgetScope.Owner));
    }

    private sealed record Index(FrozenDictionary<string, BudgetAccount[]> ByKey, FrozenDictionary<string, BudgetAccount[]> ByOwner)
    {
        public static readonly Index Empty = new(FrozenDictionary<string, BudgetAccount[]>.Empty, FrozenDictionary<string, BudgetAccount[]>.Empty);

        public bool IsEmpty => ByKey.Count == 0 && ByOwner.Count == 0;
    }
}
