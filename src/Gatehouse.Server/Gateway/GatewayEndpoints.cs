using Gatehouse.OpenAI;
using Gatehouse.Providers;

namespace Gatehouse.Gateway;

/// <summary>The OpenAI-compatible surface: <c>/v1/chat/completions</c>, <c>/v1/embeddings</c>, <c>/v1/models</c>.</summary>
internal static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapGatewayEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/chat/completions", static (HttpContext context, GatewayPipeline pipeline) => pipeline.InvokeAsync(context, ApiOperation.ChatCompletions))
            .WithTags("OpenAI");
        endpoints.MapPost("/v1/embeddings", static (HttpContext context, GatewayPipeline pipeline) => pipeline.InvokeAsync(context, ApiOperation.Embeddings))
            .WithTags("OpenAI");
        endpoints.MapGet("/v1/models", ModelsEndpoint.ListAsync).WithTags("OpenAI");
        endpoints.MapGet("/v1/models/{**model}", ModelsEndpoint.GetAsync).WithTags("OpenAI");

        // Anything else under /v1 answers in OpenAI's shape, so SDKs report a proper NotFound.
        endpoints.Map("/v1/{**path}", static (HttpContext context) => OpenAIErrorWriter.WriteResponseAsync(
            context.Response,
            new OpenAIError(StatusCodes.Status404NotFound, $"Unknown request URL: {context.Request.Method} {context.Request.Path}.", "invalid_request_error", Code: "unknown_url"),
            context.RequestAborted));
        return endpoints;
    }
}
