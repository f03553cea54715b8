namespace Gatehouse.Usage;

/// <summary>The service tier a call was billed at.</summary>
public enum PriceTier
{
    /// <summary>Ordinary synchronous calls.</summary>
    Standard,

    /// <summary>Batch API calls (<c>*_batches</c> prices).</summary>
    Batch,

    /// <summary>Priority processing (<c>service_tier: "priority"</c>, <c>*_priority</c> prices).</summary>
    Priority,
}
