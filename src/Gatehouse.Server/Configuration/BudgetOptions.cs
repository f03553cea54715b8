namespace Gatehouse.Configuration;

/// <summary>
/// How budgets behave (<c>Gatehouse:Budgets</c>). The budgets themselves are data, managed through
/// <c>/api/budgets</c>; only where their alerts go and how a reservation is sized is configuration.
/// </summary>
public sealed class BudgetOptions
{
    /// <summary>Where threshold alerts are POSTed as JSON; null = alerts are only logged.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Headers sent with every alert (values may be <c>env:VARIABLE</c>), e.g. a shared secret the receiver checks.</summary>
    public Dictionary<string, string> WebhookHeaders { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Output tokens a call is assumed to produce at worst when it sets no <c>max_tokens</c> and the
    /// price table publishes no maximum output for the deployment's model.
    /// </summary>
    public int DefaultMaxOutputTokens { get; set; } = 4096;
}
