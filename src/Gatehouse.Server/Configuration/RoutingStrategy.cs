namespace Gatehouse.Configuration;

/// <summary>How a model alias picks the deployment to try first. The others follow as the fallback chain.</summary>
public enum RoutingStrategy
{
    /// <summary>In the configured order (priority).</summary>
    Ordered,

    /// <summary>The first pick is random in proportion to <see cref="ModelAliasOptions.Weights"/>; the rest follow in order.</summary>
    Weighted,

    /// <summary>The deployment with the fewest calls in flight through this gateway.</summary>
    LeastBusy,

    /// <summary>The deployment with the lowest recent latency (moving average of successful calls); untried ones first.</summary>
    LowestLatency,

    /// <summary>The deployment with the lowest price per token (input plus output); unpriced ones last.</summary>
    Cheapest,
}
