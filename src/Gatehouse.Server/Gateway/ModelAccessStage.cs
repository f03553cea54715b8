using Gatehouse.Configuration;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// Resolves the requested model to its route (404 when unknown) and checks that the key may use it
/// (403), then that the endpoint serves the model's kind (404 naming the endpoint that does). An
/// unknown model is a 404 even for a restricted key, so the answer never reveals more.
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

        // Refused here, not by the upstream: a provider may answer a wrong-kind call with nonsense or a
        // bare 404, and the client deserves to be told where the model is served.
        if (route.Kind != KindServedBy(context.Call.Operation))
        {
            return context.RejectAsync(OpenAIError.WrongEndpoint(model, route.Kind, context.Call.Dialect.Path(context.Call.Operation), route.ServedPaths));
        }

        context.Call = context.Call with { Route = route };
        return next(context);
    }

    private static ModelKind KindServedBy(ApiOperation operation) => operation == ApiOperation.Embeddings ? ModelKind.Embedding : ModelKind.Chat;
}
