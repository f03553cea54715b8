using System.Text.Json;
using Gatehouse.Budgets;

namespace Gatehouse.Storage;

/// <summary>A <c>budgets</c> row as stored; thresholds are JSON text.</summary>
internal sealed class BudgetRow
{
    public const string Columns =
        """
        id AS Id, name AS Name, scope AS Scope, subject AS Subject, period AS Period, limit_pusd AS LimitPusd,
        alert_thresholds AS AlertThresholds, created_at_us AS CreatedAtUs, updated_at_us AS UpdatedAtUs
        """;

    public string Id { get; set; } = "";
    public string? Name { get; set; }
    public string Scope { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Period { get; set; } = "";
    public long LimitPusd { get; set; }
    public string AlertThresholds { get; set; } = "[]";
    public long CreatedAtUs { get; set; }
    public long UpdatedAtUs { get; set; }

    public static BudgetRow From(Budget budget) => new()
    {
        Id = budget.Id,
        Name = budget.Name,
        Scope = budget.Scope.Name(),
        Subject = budget.Subject,
        Period = budget.Period.Name(),
        LimitPusd = StorageValues.ToPicoDollars(budget.LimitUsd),
        AlertThresholds = ThresholdsJson(budget.AlertThresholds),
        CreatedAtUs = StorageValues.ToUnixMicroseconds(budget.CreatedAt),
        UpdatedAtUs = StorageValues.ToUnixMicroseconds(budget.UpdatedAt),
    };

    public Budget ToBudget() => new()
    {
        Id = Id,
        Name = Name,
        Scope = BudgetNames.TryParseScope(Scope, out var scope) ? scope : throw new InvalidOperationException($"Budget '{Id}' has an unknown scope '{Scope}'."),
        Subject = Subject,
        Period = BudgetNames.TryParsePeriod(Period, out var period) ? period : throw new InvalidOperationException($"Budget '{Id}' has an unknown period '{Period}'."),
        LimitUsd = StorageValues.FromPicoDollars(LimitPusd),
        AlertThresholds = Thresholds(AlertThresholds),
        CreatedAt = StorageValues.FromUnixMicroseconds(CreatedAtUs),
        UpdatedAt = StorageValues.FromUnixMicroseconds(UpdatedAtUs),
    };

    public static string ThresholdsJson(IReadOnlyList<decimal> thresholds) =>
        JsonSerializer.Serialize(thresholds.ToArray(), StorageJsonContext.Default.DecimalArray);

    public static decimal[] Thresholds(string json) => JsonSerializer.Deserialize(json, StorageJsonContext.Default.DecimalArray) ?? [];
}
