namespace Gatehouse.Budgets;

/// <summary>
/// The JSON body POSTed to <c>Gatehouse:Budgets:WebhookUrl</c> when a budget's settled spend first
/// reaches one of its thresholds in a period.
/// </summary>
internal sealed record BudgetAlert(
    string BudgetId,
    string? BudgetName,
    string Scope,
    string Subject,
    string Period,
    DateTimeOffset PeriodStart,
    decimal Threshold,
    decimal SpentUsd,
    decimal LimitUsd,
    DateTimeOffset Timestamp)
{
    /// <summary>What happened, so a receiver can route several event kinds through one endpoint.</summary>
    public string Type { get; init; } = "budget.threshold_reached";
}
