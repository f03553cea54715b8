using Gatehouse.Budgets;

namespace Gatehouse.Storage;

/// <summary>A <c>budget_spend</c> row as stored.</summary>
internal sealed class BudgetSpendRow
{
    public const string Columns =
        "budget_id AS BudgetId, period_start_us AS PeriodStartUs, spent_pusd AS SpentPusd, alerts_fired AS AlertsFired, updated_at_us AS UpdatedAtUs";

    public string BudgetId { get; set; } = "";
    public long PeriodStartUs { get; set; }
    public long SpentPusd { get; set; }
    public string AlertsFired { get; set; } = "[]";
    public long UpdatedAtUs { get; set; }

    public static BudgetSpendRow From(BudgetSpend spend) => new()
    {
        BudgetId = spend.BudgetId,
        PeriodStartUs = StorageValues.ToUnixMicroseconds(spend.PeriodStart),
        SpentPusd = StorageValues.ToPicoDollars(spend.SpentUsd),
        AlertsFired = BudgetRow.ThresholdsJson(spend.AlertsFired),
        UpdatedAtUs = StorageValues.ToUnixMicroseconds(spend.UpdatedAt),
    };

    public BudgetSpend ToSpend() => new(
        BudgetId,
        StorageValues.FromUnixMicroseconds(PeriodStartUs),
        StorageValues.FromPicoDollars(SpentPusd),
        BudgetRow.Thresholds(AlertsFired),
        StorageValues.FromUnixMicroseconds(UpdatedAtUs));
}
