using Gatehouse.Gateway.Dialects;
using Gatehouse.Providers;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// One run of the stages for a call: the response it writes to (<see cref="Http"/>), the request it
/// serves (<see cref="Call"/>, immutable, shared with nested runs) and what happened
/// (<see cref="Outcome"/>, its own). A nested run — the response cache's producing call, a tool
/// round — is a <see cref="ForNestedRun"/> child whose outcome the parent takes in once, with
/// <see cref="CallOutcome.Add"/>.
/// </summary>
internal sealed partial class GatewayContext(HttpContext http, CallRequest call)
{
    public GatewayContext(HttpContext http, ApiOperation operation, ClientDialect dialect, Guid requestId, long startTimestamp)
        : this(http, new CallRequest(operation, dialect, requestId, startTimestamp))
    {
    }

    public HttpContext Http { get; } = http;

    /// <summary>The request; a stage that fills a part of it in replaces it with a copy (<c>context.Call = context.Call with { … }</c>).</summary>
    public CallRequest Call { get; set; } = call;

    /// <summary>What happened, read by the recording stage (and budgets, rate limits, the cache) once the run is done.</summary>
    public CallOutcome Outcome { get; } = new();

    public CancellationToken Aborted => Http.RequestAborted;

    // The forwarding stage's own state for this run: how it routes, and what the current attempt goes through.

    /// <summary>The call's routing where it differs from its alias: its headers over its key's preferences (set by forwarding).</summary>
    public RoutingPreferences Routing { get; set; } = RoutingPreferences.None;

    /// <summary>Set once the call moved to a dedicated chain (context window, content policy), so it moves at most once.</summary>
    public bool UsingDedicatedChain { get; set; }

    /// <summary>Set when the current attempt goes to a provider in the client's own dialect, untranslated both ways.</summary>
    public NativeUpstream? NativeUpstream { get; set; }

    /// <summary>True when the current attempt goes to a provider in the client's own dialect, untranslated both ways.</summary>
    public bool NativePassthrough => NativeUpstream is not null;

    /// <summary>True when the current attempt's OpenAI answer must be translated into the client's dialect.</summary>
    public bool AnswerTranslated => Call.Dialect.TranslatesAnswers && !NativePassthrough;

    /// <summary>True when the route has a dedicated fallback chain for this refusal that has not been used yet (and the call may leave its first deployment).</summary>
    public bool HasChainFor(UpstreamFailure refusal) => !UsingDedicatedChain && Routing.Fallback != false && refusal switch
    {
        UpstreamFailure.ContextLengthExceeded => Call.Route?.ContextWindowFallbacks is { Count: > 0 },
        UpstreamFailure.ContentPolicy => Call.Route?.ContentPolicyFallbacks is { Count: > 0 },
        _ => false,
    };

    /// <summary>
    /// A run of the rest of the pipeline on this call's behalf, into its own response
    /// (<paramref name="http"/>, usually a <see cref="VirtualResponse"/>) with its own, empty
    /// outcome: the same request unless <paramref name="call"/> gives another (a tool round's
    /// narrowed body). The parent takes the run's outcome in with <see cref="CallOutcome.Add"/>.
    /// </summary>
    public GatewayContext ForNestedRun(HttpContext http, CallRequest? call = null) => new(http, call ?? Call);
}
