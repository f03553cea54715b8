using Gatehouse.Anthropic.Inbound;
using Gatehouse.Configuration;
using Gatehouse.OpenAI;
using Microsoft.Extensions.Options;

namespace Gatehouse.Gateway;

/// <summary>
/// Reads the body into a pooled buffer, enforcing the size limit (413), translates it to OpenAI's
/// format when the client speaks another dialect, and validates it (400) without building a DOM.
/// The buffer lives until the call is done.
/// </summary>
internal sealed class RequestReadingStage(IOptionsMonitor<GatehouseOptions> options) : IGatewayStage
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var limit = options.CurrentValue.MaxRequestBodyBytes;
        var request = context.Http.Request;
        if (request.ContentLength > limit)
        {
            await context.RejectAsync(OpenAIError.BodyTooLarge(limit));
            return;
        }

        PooledBody? read;
        try
        {
            read = await PooledBody.ReadAsync(request.Body, request.ContentLength, limit, context.Aborted);
        }
        catch (BadHttpRequestException ex) when (!context.Aborted.IsCancellationRequested)
        {
            // The body ended early or was malformed at the HTTP level (e.g. a client cut the upload).
            await context.RejectAsync(OpenAIError.InvalidJson(ex.Message));
            return;
        }
        catch (BadHttpRequestException) when (context.Aborted.IsCancellationRequested)
        {
            throw new OperationCanceledException(context.Aborted);
        }

        using var body = read;
        if (body is null)
        {
            await context.RejectAsync(OpenAIError.BodyTooLarge(limit));
            return;
        }

        using var translated = context.Dialect == ApiDialect.Anthropic ? await TranslateAnthropicAsync(context, body) : null;
        if (context.Dialect == ApiDialect.Anthropic && translated is null)
        {
            return;
        }

        var openAIBody = translated ?? body;
        var parsed = OpenAIRequestReader.Read(openAIBody.Memory.Span, context.Operation, out var error);
        if (parsed is null)
        {
            await context.RejectAsync(error!);
            return;
        }

        context.Body = openAIBody;
        context.ClientBody = translated is null ? null : body;
        context.Request = parsed;
        await next(context);
    }

    /// <summary>Anthropic Messages → OpenAI chat body; a request Anthropic would reject is answered here in its words.</summary>
    private static async Task<PooledBody?> TranslateAnthropicAsync(GatewayContext context, PooledBody body)
    {
        var translated = MessagesRequestTranslator.Translate(body.Memory, out var anthropicError);
        if (translated is not null)
        {
            context.ClientModel = translated.Model;
            return PooledBody.Unpooled(translated.OpenAIBody);
        }

        var error = anthropicError!;
        context.StatusCode = error.StatusCode;
        context.ErrorClass = error.Type;
        context.ErrorMessage = error.Message;
        await AnthropicErrorWriter.WriteResponseAsync(context.Http.Response, error, context.Aborted);
        return null;
    }
}
