using Gatehouse.Budgets;
using Gatehouse.Caching;
using Gatehouse.Degradation;
using Gatehouse.Keys;
using Gatehouse.Storage;

namespace Gatehouse.SharedState;

/// <summary>
/// Brings this replica's copies (keys, budget definitions, runtime settings) back in line with the
/// store: one item when a notice names it, everything on the periodic safety net or after the bus
/// reconnects. A notice only says what to reload; the value always comes from the store.
/// Spend is not reloaded here: the ledger's spend is this replica's own, saved behind it.
/// </summary>
internal sealed class StateReloader(
    StateSync sync,
    IKeyStore keyStore,
    IKeyRegistry keys,
    IBudgetStore budgetStore,
    BudgetLedger ledger,
    DegradationState degradation,
    ResponseCache cache)
{
    public Task ApplyAsync(StateChange change, CancellationToken cancellationToken) => change.Kind switch
    {
        StateChangeKind.Key => sync.ExclusiveAsync(ct => ReloadKeyAsync(change.Id, ct), cancellationToken),
        StateChangeKind.Budget => sync.ExclusiveAsync(ct => ReloadBudgetAsync(change.Id, ct), cancellationToken),
        StateChangeKind.Setting => sync.ExclusiveAsync(ct => ReloadSettingAsync(change.Id, ct), cancellationToken),

        // Purging twice is harmless, so this one trusts the notice: it can only forget answers.
        StateChangeKind.CachePurge => cache.PurgeLocalAsync(change.Id == StateChange.AllCacheNamespaces ? null : change.Id, cancellationToken).AsTask(),
        StateChangeKind.Everything => ReloadAllAsync(cancellationToken),
        _ => Task.CompletedTask,
    };

    /// <summary>Keys, budget definitions and settings, all from the store.</summary>
    public Task ReloadAllAsync(CancellationToken cancellationToken) => sync.ExclusiveAsync(async ct =>
    {
        keys.Load(await keyStore.ListAsync(ct));
        ApplyBudgets(await budgetStore.ListAsync(ct));
        await degradation.LoadAsync(ct);
        return true;
    }, cancellationToken);

    private async Task<bool> ReloadKeyAsync(string id, CancellationToken cancellationToken)
    {
        // A key that is not in the store was never stored (keys are revoked, not deleted): nothing to apply.
        if (await keyStore.GetAsync(id, cancellationToken) is { } key)
        {
            keys.Put(key);
        }

        return true;
    }

    private async Task<bool> ReloadBudgetAsync(string id, CancellationToken cancellationToken)
    {
        // One row, not the list: 5,000 budgets created through one replica were 5,000 notices, and
        // reading every budget for each kept the others' reload queue (keys' notices too) minutes behind.
        var stored = await budgetStore.GetAsync(id, cancellationToken);
        if (stored is null)
        {
            ledger.Remove(id);
        }
        else
        {
            ledger.Put(stored);
        }

        return true;
    }

    private async Task<bool> ReloadSettingAsync(string name, CancellationToken cancellationToken)
    {
        // The only runtime setting another replica can change is the pinned service level; any
        // other name is ignored (a notice names what to reload, it cannot make us read anything else).
        if (name == DegradationState.SettingName)
        {
            await degradation.LoadAsync(cancellationToken);
        }

        return true;
    }

    private void ApplyBudgets(IReadOnlyList<Budget> stored)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var budget in stored)
        {
            ids.Add(budget.Id);
            ledger.Put(budget);
        }

        foreach (var state in ledger.States())
        {
            if (!ids.Contains(state.Budget.Id))
            {
                ledger.Remove(state.Budget.Id);
            }
        }
    }
}
