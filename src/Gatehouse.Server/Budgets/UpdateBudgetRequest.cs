namespace Gatehouse.Budgets;

/// <summary>Body of <c>PATCH /api/budgets/{id}</c>: what is set changes, the rest stays.</summary>
internal sealed record UpdateBudgetRequest
{
    public string? Name { get; init; }

    public decimal? LimitUsd { get; init; }

    public decimal[]? AlertThresholds { get; init; }
}
