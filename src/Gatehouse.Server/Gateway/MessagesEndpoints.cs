using Gatehouse.Anthropic.Inbound;
using Gatehouse.Configuration;
using Gatehouse.Gateway.Dialects;
using Gatehouse.Hosting;
using Gatehouse.Keys;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Routing;
using Gatehouse.Usage;
using Microsoft.Extensions.Options;

namespace Gatehouse.Gateway;

/// <summary>
/// The Anthropic-compatible surface: <c>POST /v1/messages</c> runs through the same pipeline as
/// chat completions (keys, records, cost), translated on the way in and out;
/// <c>POST /v1/messages/count_tokens</c> estimates the prompt size.
/// </summary>
internal static class MessagesEndpoints
{
    public static IEndpointRouteBuilder MapMessagesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/messages", static (HttpContext context, GatewayPipeline pipeline) =>
            pipeline.InvokeAsync(context, ApiOperation.ChatCompletions, AnthropicMessagesDialect.Instance)).WithTags("Anthropic");
        endpoints.MapPost("/v1/messages/count_tokens", CountTokensAsync).WithTags("Anthropic");
        return endpoints;
    }

    /// <summary>An estimate with Gatehouse's tokenizer (o200k); it leaves no record, as no model is called.</summary>
    private static async Task CountTokensAsync(
        HttpContext context, KeyAuthenticator keys, RouteTableProvider routes, ITokenCounter tokenCounter, IOptionsMonitor<GatehouseOptions> options)
    {
        var response = context.Response;
        var authentication = await keys.CheckAsync(context.Request, context.RequestAborted);
        if (authentication.Caller is not { } caller)
        {
            await WriteAsync(response, AuthenticationStage.ErrorFor(authentication.Check), context.RequestAborted);
            return;
        }

        var limit = options.CurrentValue.MaxRequestBodyBytes;
        using var body = await PooledBody.ReadAsync(context.Request.Body, context.Request.ContentLength, limit, context.RequestAborted);
        if (body is null)
        {
            await WriteAsync(response, OpenAIError.BodyTooLarge(limit), context.RequestAborted);
            return;
        }

        if (RequestJson.FindTextError(body.Memory.Span) is { } textError)
        {
            await AnthropicErrorWriter.WriteResponseAsync(response, AnthropicError.InvalidJson(textError), context.RequestAborted);
            return;
        }

        var translated = MessagesRequestTranslator.Translate(body.Memory, requireMaxTokens: false, out var error);
        if (translated is null)
        {
            await AnthropicErrorWriter.WriteResponseAsync(response, error!, context.RequestAborted);
            return;
        }

        if (!routes.Current.TryGet(translated.Model, out _))
        {
            await WriteAsync(response, OpenAIError.ModelNotFound(translated.Model), context.RequestAborted);
            return;
        }

        if (!caller.MayUseModel(translated.Model))
        {
            await WriteAsync(response, OpenAIError.ModelNotAllowed(translated.Model), context.RequestAborted);
            return;
        }

        var count = CountTokensEstimator.Count(body.Memory, tokenCounter, out error, context.RequestAborted);
        if (count is null)
        {
            await AnthropicErrorWriter.WriteResponseAsync(response, error!, context.RequestAborted);
            return;
        }

        response.ContentType = "application/json";
        await response.Body.WriteAsync(count, context.RequestAborted);
    }

    private static Task WriteAsync(HttpResponse response, OpenAIError error, CancellationToken cancellationToken) =>
        AnthropicMessagesDialect.Instance.WriteErrorAsync(response, error, cancellationToken);
}
