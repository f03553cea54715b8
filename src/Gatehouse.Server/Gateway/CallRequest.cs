using Gatehouse.Gateway.Dialects;
using Gatehouse.Keys;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// What one call asks for, as the stages that read it filled it in: its caller (authentication),
/// its body (request reading), its route (model access), the service level it runs under
/// (degradation). Immutable: a stage that learns something replaces <see cref="GatewayContext.Call"/>
/// with a copy, so a nested run (the cache's producing call) can share its parent's request, and a
/// tool round takes a copy with its own, narrowed body, without either seeing the other's changes.
/// </summary>
internal sealed record CallRequest(ApiOperation Operation, ClientDialect Dialect, Guid RequestId, long StartTimestamp)
{
    /// <summary>The record's <c>endpoint</c>: what the client called.</summary>
    public string EndpointName => Dialect.EndpointName(Operation);

    /// <summary>Set by authentication.</summary>
    public CallerIdentity? Caller { get; init; }

    /// <summary>The client's body, in a pooled buffer, in OpenAI's format (set by request reading).</summary>
    public PooledBody? Body
    {
        get;
        init
        {
            // The token count is the body's: another body is counted again.
            field = value;
            EstimatedInputTokens = null;
        }
    }

    public ParsedRequest? Request { get; init; }

    /// <summary>The client's own body when it was translated (<see cref="ClientDialect.TranslatesAnswers"/>), for native passthrough.</summary>
    public PooledBody? ClientBody { get; init; }

    /// <summary>The model as the client named it, for answers in the client's dialect.</summary>
    public string? ClientModel { get; init; }

    /// <summary>
    /// Set when <see cref="Body"/> cannot say everything <see cref="ClientBody"/> does (a field only
    /// the client's own dialect carries): an attempt on a deployment that would get the translation
    /// is refused with it, one in the client's dialect (native passthrough) is not.
    /// </summary>
    public OpenAIError? TranslationRefusal { get; init; }

    public ModelRoute? Route { get; init; }

    /// <summary>What a Responses API answer repeats of its request (set by the Responses dialect).</summary>
    public OpenAI.Responses.ResponseEcho? ResponseEcho { get; init; }

    /// <summary>The service level the call runs under (set by the degradation stage).</summary>
    public Degradation.DegradationLevel Degradation { get; init; }

    /// <summary>
    /// The budget reservation the rate-limit stage sent along with the key's limits, for the budget
    /// stage to claim (null when none was sent early). Shared with nested runs; it is claimed once.
    /// </summary>
    public EarlyBudgetReservation? EarlyBudget { get; init; }

    /// <summary>
    /// The input tokens of <see cref="Body"/> as the tokenizer counted them, once per body (see
    /// <see cref="UsageMeter.EstimateInput"/>); null until something needed it. The one settable
    /// member: a memo of a value derived from the body, so whichever run counts first saves the others the work.
    /// </summary>
    public int? EstimatedInputTokens { get; set; }
}
