namespace Gatehouse.Budgets;

/// <summary>Body of <c>POST /api/budgets</c>: exactly one of <see cref="KeyId"/> and <see cref="Owner"/>.</summary>
internal sealed record CreateBudgetRequest
{
    public string? Name { get; init; }

    /// <summary>Limits one virtual key (or <c>master</c>).</summary>
    public string? KeyId { get; init; }

    /// <summary>Limits every key whose <c>owner</c> is this, together.</summary>
    public string? Owner { get; init; }

    /// <summary><c>day</c>, <c>month</c> (UTC calendar) or <c>total</c>.</summary>
    public string? Period { get; init; }

    public decimal? LimitUsd { get; init; }

    /// <summary>Percentages of the limit that alert once per period; omit for 50, 80, 100.</summary>
    public decimal[]? AlertThresholds { get; init; }
}
