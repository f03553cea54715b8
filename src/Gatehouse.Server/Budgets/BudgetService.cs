using Gatehouse.SharedState;
using Gatehouse.Storage;

namespace Gatehouse.Budgets;

/// <summary>
/// Creates, changes and deletes budgets: the store first, then the ledger, so a budget never
/// applies before it is durable; then a notice, so the other replicas' ledgers reload the
/// definition (limit, thresholds, deletion) within a second.
/// </summary>
internal sealed class BudgetService(IBudgetStore store, BudgetLedger ledger, StateSync sync, TimeProvider timeProvider)
{
    /// <exception cref="StorageConflictException">The key or owner already has a budget for this period.</exception>
    public async Task<BudgetState> CreateAsync(string? name, BudgetScope scope, string subject, BudgetPeriod period, decimal limitUsd, IReadOnlyList<decimal> thresholds, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var budget = new Budget
        {
            Id = Budget.NewId(),
            Name = name,
            Scope = scope,
            Subject = subject,
            Period = period,
            LimitUsd = limitUsd,
            AlertThresholds = thresholds,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await sync.ChangeAsync(StateChange.Budget(budget.Id), async ct =>
        {
            await store.InsertAsync(budget, ct);
            ledger.Put(budget);
            return ledger.State(budget.Id)!;
        }, cancellationToken);
    }

    /// <summary>Null when no such budget exists.</summary>
    public Task<BudgetState?> UpdateAsync(string id, string? name, decimal? limitUsd, IReadOnlyList<decimal>? thresholds, CancellationToken cancellationToken) =>
        sync.ChangeAsync(StateChange.Budget(id), ct => ApplyUpdateAsync(id, name, limitUsd, thresholds, ct), cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        sync.ChangeAsync(StateChange.Budget(id), async ct =>
        {
            var deleted = await store.DeleteAsync(id, ct);
            ledger.Remove(id);
            return deleted;
        }, cancellationToken);

    private async Task<BudgetState?> ApplyUpdateAsync(string id, string? name, decimal? limitUsd, IReadOnlyList<decimal>? thresholds, CancellationToken cancellationToken)
    {
        if (ledger.State(id)?.Budget is not { } current)
        {
            return null;
        }

        var changed = current with
        {
            Name = name ?? current.Name,
            LimitUsd = limitUsd ?? current.LimitUsd,
            AlertThresholds = thresholds ?? current.AlertThresholds,
            UpdatedAt = timeProvider.GetUtcNow(),
        };
        if (!await store.UpdateAsync(changed, cancellationToken))
        {
            return null;
        }

        ledger.Put(changed);
        return ledger.State(id);
    }
}
