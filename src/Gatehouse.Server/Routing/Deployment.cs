using System.Text;
using System.Text.Json;
using Gatehouse.Configuration;
using Gatehouse.Providers;
using Gatehouse.Usage;

namespace Gatehouse.Routing;

/// <summary>A configured deployment made ready for the hot path: its provider, prices and limits resolved once per configuration load.</summary>
internal sealed class Deployment
{
    public Deployment(
        string name,
        string upstreamModel,
        IModelProvider provider,
        ModelPrice? price,
        TimeSpan timeout,
        TimeSpan streamIdleTimeout,
        ResilienceOptions? resilience = null,
        TimeSpan? firstTokenTimeout = null,
        int requestsPerMinute = 0,
        int maxConcurrency = 0,
        int tokensPerMinute = 0)
    {
        TokensPerMinute = tokensPerMinute;
        RequestsPerMinute = requestsPerMinute;
        MaxConcurrency = maxConcurrency;
        FirstTokenTimeout = firstTokenTimeout;
        Resilience = resilience ?? new ResilienceOptions();
        StreamIdleTimeout = streamIdleTimeout;
        Name = name;
        UpstreamModel = upstreamModel;
        Provider = provider;
        Price = price;
        Timeout = timeout;
        UpstreamModelJson = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(upstreamModel, RoutingJsonContext.Default.String));
    }

    public string Name { get; }

    public string UpstreamModel { get; }

    /// <summary>The upstream model name as a JSON string literal, ready to splice into a request body.</summary>
    public byte[] UpstreamModelJson { get; }

    public IModelProvider Provider { get; }

    /// <summary>Null when no price is known: the call is still served and recorded with zero cost (and a warning at load).</summary>
    public ModelPrice? Price { get; }

    public TimeSpan Timeout { get; }

    public ResilienceOptions Resilience { get; }

    /// <summary>0 = unlimited.</summary>
    public int RequestsPerMinute { get; }

    /// <summary>0 = unlimited.</summary>
    public int MaxConcurrency { get; }

    /// <summary>0 = unlimited.</summary>
    public int TokensPerMinute { get; }

    /// <summary>Longest wait for response headers (plain calls) or the first event (streams); null = no separate limit.</summary>
    public TimeSpan? FirstTokenTimeout { get; }

    /// <summary>Longest silence allowed between two reads of a stream.</summary>
    public TimeSpan StreamIdleTimeout { get; }
}
