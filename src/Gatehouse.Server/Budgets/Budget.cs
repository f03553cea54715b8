namespace Gatehouse.Budgets;

/// <summary>A spend limit in USD on a key or an owner over a period, as stored and managed through <c>/api/budgets</c>.</summary>
internal sealed record Budget
{
    /// <summary>Alert thresholds when a budget is created without any: half, most, and all of the limit.</summary>
    public static readonly IReadOnlyList<decimal> DefaultThresholds = [50m, 80m, 100m];

    public required string Id { get; init; }

    public string? Name { get; init; }

    public required BudgetScope Scope { get; init; }

    /// <summary>The key id (scope key) or the owner name (scope owner).</summary>
    public required string Subject { get; init; }

    public required BudgetPeriod Period { get; init; }

    public required decimal LimitUsd { get; init; }

    /// <summary>Percentages of the limit, ascending, each alerting once per period when settled spend reaches it.</summary>
    public required IReadOnlyList<decimal> AlertThresholds { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>How the budget is named in errors, logs and alerts: its name if it has one, and always its id.</summary>
    public string Label => Name is null ? $"'{Id}'" : $"'{Name}' ({Id})";

    public static string NewId() => "bud_" + Guid.CreateVersion7().ToString("N");
}
