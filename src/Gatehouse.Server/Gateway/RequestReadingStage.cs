using Gatehouse.Configuration;
using Gatehouse.OpenAI;
using Microsoft.Extensions.Options;

namespace Gatehouse.Gateway;

/// <summary>
/// Reads the body into a pooled buffer, enforcing the size limit (413), and validates it (400)
/// without building a DOM. The buffer lives until the call is done.
/// </summary>
internal sealed class RequestReadingStage(IOptionsMonitor<GatehouseOptions> options) : IGatewayStage
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var limit = options.CurrentValue.MaxRequestBodyBytes;
        var request = context.Http.Request;
        if (request.ContentLength > limit)
        {
            await RejectAsync(context, OpenAIError.BodyTooLarge(limit));
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
            await RejectAsync(context, OpenAIError.InvalidJson(ex.Message));
            return;
        }
        catch (BadHttpRequestException) when (context.Aborted.IsCancellationRequested)
        {
            throw new OperationCanceledException(context.Aborted);
        }

        using var body = read;
        if (body is null)
        {
            await RejectAsync(context, OpenAIError.BodyTooLarge(limit));
            return;
        }

        var parsed = OpenAIRequestReader.Read(body.Memory.Span, context.Operation, out var error);
        if (parsed is null)
        {
            await RejectAsync(context, error!);
            return;
        }

        context.Body = body;
        context.Request = parsed;
        await next(context);
    }

    private static Task RejectAsync(GatewayContext context, OpenAIError error)
    {
        context.Fail(error);
        return OpenAIErrorWriter.WriteResponseAsync(context.Http.Response, error, context.Aborted);
    }
}
