using System.Data.Common;
using Dapper;
using Gatehouse.Budgets;

namespace Gatehouse.Storage;

/// <summary>
/// Budgets and their spend per period in a SQL database. The SQL is portable between SQLite and
/// PostgreSQL; a back end supplies connections and how its driver reports a unique violation.
/// </summary>
internal abstract class SqlBudgetStore : IBudgetStore
{
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>A primary-key or unique constraint refused the row.</summary>
    protected abstract bool IsUniqueViolation(DbException exception);

    private const string InsertSql =
        """
        INSERT INTO budgets (id, name, scope, subject, period, limit_pusd, alert_thresholds, created_at_us, updated_at_us)
        VALUES (@Id, @Name, @Scope, @Subject, @Period, @LimitPusd, @AlertThresholds, @CreatedAtUs, @UpdatedAtUs)
        """;

    private const string ListSql = "SELECT " + BudgetRow.Columns + " FROM budgets ORDER BY created_at_us, id";

    private const string GetSql = "SELECT " + BudgetRow.Columns + " FROM budgets WHERE id = @Id";

    private const string UpdateSql =
        "UPDATE budgets SET name = @Name, limit_pusd = @LimitPusd, alert_thresholds = @AlertThresholds, updated_at_us = @UpdatedAtUs WHERE id = @Id";

    private const string DeleteSql = "DELETE FROM budgets WHERE id = @Id";

    private const string LatestSpendSql =
        "SELECT " + BudgetSpendRow.Columns + """
         FROM budget_spend s
        WHERE period_start_us = (SELECT MAX(period_start_us) FROM budget_spend WHERE budget_id = s.budget_id)
        """;

    // Absolute values, so a retried save cannot count anything twice, and an upsert, so replicas saving
    // the same row at once never fail on the key; the EXISTS skips a budget deleted meanwhile.
    private const string UpsertSpendSql =
        """
        INSERT INTO budget_spend (budget_id, period_start_us, spent_pusd, alerts_fired, updated_at_us)
        SELECT @BudgetId, @PeriodStartUs, @SpentPusd, @AlertsFired, @UpdatedAtUs
        WHERE EXISTS (SELECT 1 FROM budgets WHERE id = @BudgetId)
        ON CONFLICT (budget_id, period_start_us) DO UPDATE SET
            spent_pusd = excluded.spent_pusd, alerts_fired = excluded.alerts_fired, updated_at_us = excluded.updated_at_us
        """;

    public async Task InsertAsync(Budget budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(budget);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertSql, BudgetRow.From(budget), cancellationToken: cancellationToken));
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            throw new StorageConflictException(
                $"The {budget.Scope.Name()} '{budget.Subject}' already has a {budget.Period.Name()} budget.", ex);
        }
    }

    public async Task<IReadOnlyList<Budget>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<BudgetRow>(new CommandDefinition(ListSql, cancellationToken: cancellationToken));
        return rows.Select(static r => r.ToBudget()).ToList();
    }

    public async Task<Budget?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<BudgetRow>(new CommandDefinition(GetSql, new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToBudget();
    }

    public async Task<bool> UpdateAsync(Budget budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(budget);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(UpdateSql, BudgetRow.From(budget), cancellationToken: cancellationToken)) > 0;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { Id = id }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task<IReadOnlyList<BudgetSpend>> ListLatestSpendAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<BudgetSpendRow>(new CommandDefinition(LatestSpendSql, cancellationToken: cancellationToken));
        return rows.Select(static r => r.ToSpend()).ToList();
    }

    public async Task SaveSpendAsync(IReadOnlyCollection<BudgetSpend> spend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spend);
        if (spend.Count == 0)
        {
            return;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // A fixed order, so two replicas saving overlapping batches take the row locks in the same order and cannot deadlock.
        foreach (var row in spend.OrderBy(static s => s.BudgetId, StringComparer.Ordinal).ThenBy(static s => s.PeriodStart))
        {
            await connection.ExecuteAsync(new CommandDefinition(UpsertSpendSql, BudgetSpendRow.From(row), transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
