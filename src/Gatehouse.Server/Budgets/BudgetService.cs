using Gatehouse.Storage;

namespace Gatehouse.Budgets;

/// <summary>Creates, changes and deletes budgets: the store first, then the ledger, so a budget never applies before it is durable.</summary>
internal sealed class BudgetService(IBudgetStore store, BudgetLedger ledger, TimeProvider timeProvider)
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
        await store.InsertAsync(budget, cancellationToken);
        ledger.Put(budget);
        return ledger.State(budget.Id)!;
    }

    /// <summary>Null when no such budget exists.</summary>
    public async Task<BudgetState?> UpdateAsync(string id, string? name, decimal? limitUsd, IReadOnlyList<decimal>? thresholds, CancellationToken cancellationToken)
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

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteAsync(id, cancellationToken);
        ledger.Remove(id);
        return deleted;
    }
}
