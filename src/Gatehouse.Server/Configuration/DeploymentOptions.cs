using Gatehouse.Simulator;
using Gatehouse.Usage;

namespace Gatehouse.Configuration;

/// <summary>A model served by a provider (<c>Gatehouse:Deployments:&lt;name&gt;</c>).</summary>
public sealed class DeploymentOptions
{
    /// <summary>Name of an entry under <c>Gatehouse:Providers</c>.</summary>
    public string? Provider { get; set; }

    /// <summary>The model name the upstream expects (for Azure, the deployment name).</summary>
    public string? Model { get; set; }

    /// <summary>Price this deployment as another model of the shipped price table (e.g. a simulator priced like gpt-4o-mini).</summary>
    public string? PriceAs { get; set; }

    /// <summary>Explicit prices, per million tokens; they win over the table.</summary>
    public PriceOverride? Price { get; set; }

    /// <summary>Total time allowed for one upstream call, streams included.</summary>
    public double TimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// Longest wait for the first token: the response headers of a plain call, the first event of a
    /// stream. 0 = no separate limit (only <see cref="TimeoutSeconds"/>). Exceeded: a timeout that
    /// is retried or falls back like any other, since nothing has reached the client.
    /// </summary>
    public double FirstTokenTimeoutSeconds { get; set; }

    /// <summary>Longest silence allowed inside a stream (between two reads) before it counts as stalled.</summary>
    public double StreamIdleTimeoutSeconds { get; set; } = 60;

    /// <summary>Calls per minute Gatehouse sends to this deployment (sliding window); 0 = unlimited. Over it, the call falls back.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Calls in flight at once to this deployment; 0 = unlimited. Over it, the call falls back.</summary>
    public int MaxConcurrency { get; set; }

    /// <summary>
    /// Tokens (input + output) per minute Gatehouse sends to this deployment; 0 = unlimited. Each
    /// attempt reserves the call's estimated size and settles with the real usage. Over it, the call falls back.
    /// </summary>
    public int TokensPerMinute { get; set; }

    /// <summary>Retries on this deployment and its circuit breaker.</summary>
    public ResilienceOptions Resilience { get; set; } = new();

    /// <summary>Simulator deployments only: latency, output size and fault injection.</summary>
    public SimulationProfile? Simulation { get; set; }
}
