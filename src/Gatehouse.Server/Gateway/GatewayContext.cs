using Gatehouse.Keys;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Resilience;
using Gatehouse.Routing;
using Gatehouse.Usage;

namespace Gatehouse.Gateway;

/// <summary>One call's state as it moves through the stages. Each stage fills in what it owns.</summary>
internal sealed partial class GatewayContext(HttpContext http, ApiOperation operation, ApiDialect dialect, Guid requestId, long startTimestamp)
{
    public HttpContext Http { get; } = http;

    public ApiOperation Operation { get; } = operation;

    public ApiDialect Dialect { get; } = dialect;

    /// <summary>The record's <c>endpoint</c>: what the client called.</summary>
    public string EndpointName => Dialect == ApiDialect.Anthropic ? "messages" : Operation.RecordName();

    public Guid RequestId { get; } = requestId;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the call arrived.</summary>
    public long StartTimestamp { get; } = startTimestamp;

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>Set by authentication.</summary>
    public CallerIdentity? Caller { get; set; }

    /// <summary>The client's body, in a pooled buffer (set by request reading).</summary>
    public PooledBody? Body { get; set; }

    public ParsedRequest? Request { get; set; }

    /// <summary>The client's own body when it was translated (Anthropic dialect), for native passthrough.</summary>
    public PooledBody? ClientBody { get; set; }

    /// <summary>True when the call goes to a provider in the client's own dialect, untranslated both ways.</summary>
    public bool NativePassthrough { get; set; }

    /// <summary>The model as the client named it, for answers in the client's dialect.</summary>
    public string? ClientModel { get; set; }

    public ModelRoute? Route { get; set; }

    /// <summary>The request's input tokens as counted by <see cref="UsageMeter.EstimateInput"/>, once counted (several stages need it).</summary>
    public int? EstimatedInputTokens { get; set; }

    public Deployment? Deployment { get; set; }

    /// <summary>True while an attempt runs: upstream failures are held back (nothing is written) so a retry or fallback can follow.</summary>
    public bool HoldUpstreamFailures { get; set; }

    /// <summary>The current attempt's failure, held back; the forwarding stage retries, falls back, or finally answers with it.</summary>
    public AttemptFailure? DeferredFailure { get; set; }

    /// <summary>True when the route has a dedicated fallback chain for this refusal that has not been used yet.</summary>
    public bool HasChainFor(UpstreamFailure refusal) => !UsingDedicatedChain && refusal switch
    {
        UpstreamFailure.ContextLengthExceeded => Route?.ContextWindowFallbacks is { Count: > 0 },
        UpstreamFailure.ContentPolicy => Route?.ContentPolicyFallbacks is { Count: > 0 },
        _ => false,
    };

    /// <summary>Set once the call moved to a dedicated chain (context window, content policy), so it moves at most once.</summary>
    public bool UsingDedicatedChain { get; set; }

    /// <summary>Deployments tried before the one that answered, with why each failed (<c>name:error_class</c>).</summary>
    public List<string>? FailedAttempts { get; set; }

    // Outcome, read by the recording stage.
    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public string? ErrorClass { get; set; }

    public string? ErrorMessage { get; set; }

    public TokenUsage Usage { get; set; }

    public decimal CostUsd { get; set; }

    public double? TimeToFirstTokenMs { get; set; }

    /// <summary>Marks the call failed with an error the caller has already been sent (or is about to be).</summary>
    public void Fail(OpenAIError error)
    {
        StatusCode = error.StatusCode;
        ErrorClass = error.ErrorClass;
        ErrorMessage = error.Message;
    }
}
