namespace Gatehouse.Budgets;

/// <summary>The checks <c>/api/budgets</c> makes on names, limits and thresholds, each error keyed by the field to fix.</summary>
internal static class BudgetValidation
{
    /// <summary>Spend is stored in pico-dollars in a 64-bit integer (about 9.2 million USD); this leaves room for overruns.</summary>
    public const decimal MaxLimitUsd = 1_000_000m;

    public const int MaxThresholds = 10;

    public static void CheckName(Dictionary<string, string[]> errors, string? name)
    {
        if (name is not null && (name.Trim().Length == 0 || name.Length > 200))
        {
            errors["name"] = ["The name must be 1 to 200 characters (omit it for none)."];
        }
    }

    public static void CheckLimit(Dictionary<string, string[]> errors, decimal limitUsd)
    {
        if (limitUsd <= 0m || limitUsd > MaxLimitUsd)
        {
            errors["limitUsd"] = [$"The limit must be more than 0 and at most {MaxLimitUsd:0} USD."];
        }
        else if (decimal.Round(limitUsd, 12) != limitUsd)
        {
            errors["limitUsd"] = ["The limit has more than 12 decimal places (spend is kept in pico-dollars)."];
        }
    }

    public static void CheckThresholds(Dictionary<string, string[]> errors, decimal[]? thresholds)
    {
        if (thresholds is null)
        {
            return;
        }

        if (thresholds.Length > MaxThresholds)
        {
            errors["alertThresholds"] = [$"At most {MaxThresholds} thresholds."];
        }
        else if (thresholds.Any(t => t <= 0m || t > 100m))
        {
            errors["alertThresholds"] = ["Each threshold is a percentage of the limit, more than 0 and at most 100."];
        }
        else if (thresholds.Distinct().Count() != thresholds.Length)
        {
            errors["alertThresholds"] = ["Thresholds must not repeat."];
        }
    }

    /// <summary>Thresholds in ascending order (the order alerts fire in); null stays null.</summary>
    public static decimal[]? Normalize(decimal[]? thresholds) => thresholds is null ? null : [.. thresholds.Order()];
}
