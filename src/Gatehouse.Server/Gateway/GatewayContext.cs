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

    /// <summary>The request's input tokens as the tokenizer counted them, once per call (see <see cref="UsageMeter.EstimateInput"/>); null until something needed it.</summary>
    public int? EstimatedInputTokens { get; set; }

    /// <summary>The client's own body when it was translated (Anthropic dialect), for native passthrough.</summary>
    public PooledBody? ClientBody { get; set; }

    /// <summary>True when the call goes to a provider in the client's own dialect, untranslated both ways.</summary>
    public bool NativePassthrough { get; set; }

    /// <summary>The model as the client named it, for answers in the client's dialect.</summary>
    public string? ClientModel { get; set; }

    public ModelRoute? Route { get; set; }

    public Deployment? Deployment { get; set; }

    /// <summary>The service level the call runs under (set by the degradation stage).</summary>
    public Degradation.DegradationLevel Degradation { get; set; }

    /// <summary>The call's routing where it differs from its alias: its headers over its key's preferences (set by forwarding).</summary>
    public RoutingPreferences Routing { get; set; } = RoutingPreferences.None;

    /// <summary>True while an attempt runs: upstream failures are held back (nothing is written) so a retry or fallback can follow.</summary>
    public bool HoldUpstreamFailures { get; set; }

    /// <summary>The current attempt's failure, held back; the forwarding stage retries, falls back, or finally answers with it.</summary>
    public AttemptFailure? DeferredFailure { get; set; }

    /// <summary>True when the route has a dedicated fallback chain for this refusal that has not been used yet (and the call may leave its first deployment).</summary>
    public bool HasChainFor(UpstreamFailure refusal) => !UsingDedicatedChain && Routing.Fallback != false && refusal switch
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

    /// <summary>The response cache's part in the call (<c>hit</c>, <c>miss</c>, <c>coalesced</c>); null when it took none.</summary>
    public string? CacheStatus { get; set; }

    /// <summary>What tool prefiltering offered and sent; null when it did not run.</summary>
    public Tools.ToolAccounting? Tools { get; set; }

    /// <summary>
    /// A context for one upstream round of a prefiltered call: the same caller and route, its own
    /// body (the narrowed tools), its own response (held back until it is known to be the answer)
    /// and its own outcome, which the call adds up with <see cref="AddRound"/>. A translated call's
    /// <paramref name="clientBody"/> is narrowed alongside its <paramref name="body"/>.
    /// </summary>
    public GatewayContext ForRound(HttpContext roundHttp, PooledBody body, PooledBody? clientBody, ParsedRequest request) => new(roundHttp, Operation, Dialect, RequestId, StartTimestamp)
    {
        Caller = Caller,
        Body = body,
        Request = request,
        ClientBody = clientBody,
        ClientModel = ClientModel,
        Route = Route,
        Degradation = Degradation,
        EstimatedInputTokens = ReferenceEquals(body, Body) ? EstimatedInputTokens : null,
        Tools = Tools,
    };

    /// <summary>Adds one round's upstream call to this call: usage and cost add up, the last round's outcome is the call's.</summary>
    public void AddRound(GatewayContext round)
    {
        var (a, b) = (Usage, round.Usage);
        Usage = new TokenUsage(
            TokenMath.Add(a.InputTokens, b.InputTokens),
            TokenMath.Add(a.OutputTokens, b.OutputTokens),
            TokenMath.Add(a.CachedInputTokens, b.CachedInputTokens),
            TokenMath.Add(a.ReasoningTokens, b.ReasoningTokens),
            TokenMath.Add(a.AudioInputTokens, b.AudioInputTokens),
            TokenMath.Add(a.AudioOutputTokens, b.AudioOutputTokens),
            TokenMath.Add(a.CacheWriteInputTokens, b.CacheWriteInputTokens),
            a.Estimated || b.Estimated);
        CostUsd += round.CostUsd;
        Deployment = round.Deployment ?? Deployment;
        NativePassthrough = round.NativePassthrough;
        Routing = round.Routing;
        if (round.FailedAttempts is { Count: > 0 } failed)
        {
            (FailedAttempts ??= []).AddRange(failed);
        }

        StatusCode = round.StatusCode;
        ErrorClass = round.ErrorClass;
        ErrorMessage = round.ErrorMessage;
        TimeToFirstTokenMs = round.TimeToFirstTokenMs ?? TimeToFirstTokenMs;
    }

    /// <summary>
    /// A context for producing this call's answer on behalf of every identical call in flight: the
    /// same request and caller, but its own response (<paramref name="producerHttp"/>) and outcome.
    /// </summary>
    public GatewayContext ForProducer(HttpContext producerHttp) => new(producerHttp, Operation, Dialect, RequestId, StartTimestamp)
    {
        Caller = Caller,
        Body = Body,
        Request = Request,
        ClientBody = ClientBody,
        ClientModel = ClientModel,
        Route = Route,
        EstimatedInputTokens = EstimatedInputTokens,
    };

    /// <summary>Takes the outcome of the call that produced this caller's answer: it is this caller's upstream call.</summary>
    public void AdoptOutcome(GatewayContext producer)
    {
        Deployment = producer.Deployment;
        NativePassthrough = producer.NativePassthrough;
        Routing = producer.Routing;
        FailedAttempts = producer.FailedAttempts;
        StatusCode = producer.StatusCode;
        ErrorClass = producer.ErrorClass;
        ErrorMessage = producer.ErrorMessage;
        Usage = producer.Usage;
        CostUsd = producer.CostUsd;
        TimeToFirstTokenMs = producer.TimeToFirstTokenMs;
        Tools = producer.Tools;
    }

    /// <summary>Marks the call failed with an error the caller has already been sent (or is about to be).</summary>
    public void Fail(OpenAIError error)
    {
        StatusCode = error.StatusCode;
        ErrorClass = error.ErrorClass;
        ErrorMessage = error.Message;
    }
}
