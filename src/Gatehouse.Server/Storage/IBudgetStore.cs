using Gatehouse.Budgets;

namespace Gatehouse.Storage;

/// <summary>Budgets and their spend per period. Loaded once at start into the in-memory ledger, which saves spend back behind it.</summary>
internal interface IBudgetStore
{
    /// <exception cref="StorageConflictException">The key or owner already has a budget for this period.</exception>
    Task InsertAsync(Budget budget, CancellationToken cancellationToken);

    /// <summary>All budgets, oldest first.</summary>
    Task<IReadOnlyList<Budget>> ListAsync(CancellationToken cancellationToken);

    /// <summary>One budget's definition; null when there is none with that id (never created, or deleted).</summary>
    Task<Budget?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Stores a changed name, limit or thresholds; false when no such budget exists.</summary>
    Task<bool> UpdateAsync(Budget budget, CancellationToken cancellationToken);

    /// <summary>Deletes the budget and its spend history; false when no such budget exists.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Each budget's most recent period row.</summary>
    Task<IReadOnlyList<BudgetSpend>> ListLatestSpendAsync(CancellationToken cancellationToken);

    /// <summary>Writes each row (absolute values, insert or replace) in one transaction; rows of deleted budgets are skipped.</summary>
    Task SaveSpendAsync(IReadOnlyCollection<BudgetSpend> spend, CancellationToken cancellationToken);
}
