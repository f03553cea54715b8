using Gatehouse.Degradation;
using Gatehouse.OpenAI;

namespace Gatehouse.Gateway;

/// <summary>
/// Holds back what the service level does not allow. It sits after the response cache, so what
/// reaches it was not answered from the cache: at <c>emergency</c> nothing more is served (503), at
/// <c>basic</c> streaming calls are refused (503). Otherwise it notes the level for forwarding,
/// which at <c>basic</c> uses only the cheapest healthy deployment and at <c>degraded</c> skips retries.
/// </summary>
internal sealed class DegradationStage(DegradationState degradation) : IGatewayStage
{
    private const string RetryAfterSeconds = "30";

    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var level = degradation.Level;
        context.Call = context.Call with { Degradation = level };
        var refusal = level switch
        {
            DegradationLevel.Emergency =>
                "Gatehouse is at degradation level 'emergency': only answers stored in its cache are served, and none is stored for this request.",
            DegradationLevel.Basic when context.Call.Request!.Stream =>
                "Gatehouse is at degradation level 'basic': streaming is paused unless the answer is cached. Send the request without \"stream\": true.",
            _ => null,
        };
        if (refusal is null)
        {
            await next(context);
            return;
        }

        context.Http.Response.Headers.RetryAfter = RetryAfterSeconds;
        await context.RejectAsync(new OpenAIError(StatusCodes.Status503ServiceUnavailable, refusal, "service_unavailable", Code: "service_degraded"));
    }
}
