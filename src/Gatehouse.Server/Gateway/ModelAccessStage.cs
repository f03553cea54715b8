using Gatehouse.OpenAI;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// Resolves the requested model to its route (404 when unknown) and checks that the key may use it
/// (403). An unknown model is a 404 even for a restricted key, so the answer never reveals more.
/// </summary>
internal sealed class ModelAccessStage(RouteTableProvider routes) : IGatewayStage
{
    public Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var model = context.Call.Request!.Model;
        if (!routes.Current.TryGet(model, out var route))
        {
            return context.RejectAsync(OpenAIError.ModelNotFound(model));
        }

        if (!context.Call.Caller!.MayUseModel(model))
        {
            return context.RejectAsync(OpenAIError.ModelNotAllowed(model));
        }

        context.Call = context.Call with { Route = route };
        return next(context);
    }

}
