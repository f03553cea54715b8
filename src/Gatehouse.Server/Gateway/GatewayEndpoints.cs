using Gatehouse.Gateway.Dialects;
using Gatehouse.Hosting;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Gatehouse.Gateway;

/// <summary>The OpenAI-compatible surface: <c>/v1/chat/completions</c>, <c>/v1/responses</c>, <c>/v1/embeddings</c>, <c>/v1/models</c>.</summary>
internal static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapGatewayEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/chat/completions", static (HttpContext context, GatewayPipeline pipeline) => pipeline.InvokeAsync(context, ApiOperation.ChatCompletions, OpenAIChatDialect.Instance))
            .WithTags("OpenAI");
        endpoints.MapPost("/v1/responses", static (HttpContext context, GatewayPipeline pipeline) => pipeline.InvokeAsync(context, ApiOperation.ChatCompletions, OpenAIResponsesDialect.Instance))
            .WithTags("OpenAI");
        endpoints.MapPost("/v1/embeddings", static (HttpContext context, GatewayPipeline pipeline) => pipeline.InvokeAsync(context, ApiOperation.Embeddings, OpenAIChatDialect.Instance))
            .WithTags("OpenAI");
        endpoints.MapGet("/v1/models", ModelsEndpoint.ListAsync).WithTags("OpenAI");
        endpoints.MapGet("/v1/models/{**model}", ModelsEndpoint.GetAsync).WithTags("OpenAI");

        // Anything else under /v1 answers in the SDK's shape (Anthropic's under /v1/messages), so it reports a proper NotFound.
        endpoints.Map("/v1/{**path}", UnknownAsync).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>404, or 405 with <c>Allow</c> when the path is one of ours with another method (this route outranks routing's own 405).</summary>
    private static Task UnknownAsync(HttpContext context, EndpointDataSource endpoints)
    {
        var request = context.Request;
        var allowed = endpoints.Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.Parameters.Count == 0 && PathIs(e.RoutePattern, request.Path))
            .SelectMany(static e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (allowed.Length > 0)
        {
            context.Response.Headers.Allow = string.Join(", ", allowed);
            return ErrorResponses.WriteAsync(context, new OpenAIError(
                StatusCodes.Status405MethodNotAllowed,
                $"{request.Path} does not accept {request.Method}; use {string.Join(" or ", allowed)}.",
                "invalid_request_error",
                Code: "method_not_allowed"));
        }

        return ErrorResponses.WriteAsync(context, new OpenAIError(
            StatusCodes.Status404NotFound, $"Unknown request URL: {request.Method} {request.Path}.", "invalid_request_error", Code: "unknown_url"));
    }

    private static bool PathIs(RoutePattern pattern, PathString path) =>
        pattern.RawText is { } raw && string.Equals("/" + raw.TrimStart('/'), path.Value, StringComparison.OrdinalIgnoreCase);
}
