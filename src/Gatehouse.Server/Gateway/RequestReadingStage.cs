using Gatehouse.Configuration;
using Gatehouse.Hosting;
using Gatehouse.OpenAI;
using Microsoft.Extensions.Options;

namespace Gatehouse.Gateway;

/// <summary>
/// Reads the body into a pooled buffer, enforcing the size limit (413), checks that its text is
/// sound (valid UTF-8, no lone surrogate escape: <see cref="RequestJson"/>) before anything reads a
/// value from it, translates it to OpenAI's format when the client speaks another dialect (<see cref="Dialects.ClientDialect.ToOpenAIBodyAsync"/>), and
/// validates it (400) without building a DOM. The buffer lives until the call is done.
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
        catch (BadHttpRequestException ex) when (!context.Aborted.IsCancellationRequested && IsUploadCut(ex))
        {
            // The connection ended before the body did: the client went away mid-upload (a load
            // tool stopping, a killed process). Kestrel may not have signalled RequestAborted yet,
            // but nobody is left to read an answer: record it like any other hang-up.
            context.Outcome.Fail(RecordingStage.ClientClosedRequest, "client_closed_request", "The client closed the connection before sending the whole request body.");
            context.Http.Abort(); // a client that only half-closed gets no answer that could be mistaken for one
            return;
        }
        catch (BadHttpRequestException ex) when (!context.Aborted.IsCancellationRequested && ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own limit (set above Gatehouse's, so only reached if that ever changes).
            await context.RejectAsync(OpenAIError.BodyTooLarge(limit));
            return;
        }
        catch (BadHttpRequestException ex) when (!context.Aborted.IsCancellationRequested)
        {
            // Malformed at the HTTP level (e.g. bad chunked framing).
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

        if (RequestJson.FindTextError(body.Memory.Span) is { } textError)
        {
            await context.Call.Dialect.RejectUnsoundTextAsync(context, textError);
            return;
        }

        var openAIBody = await context.Call.Dialect.ToOpenAIBodyAsync(context, body);
        if (openAIBody is null)
        {
            return;
        }

        using var translated = ReferenceEquals(openAIBody, body) ? null : openAIBody;
        var parsed = OpenAIRequestReader.Read(
            openAIBody.Memory.Span, context.Call.Operation, out var error, translated is null ? RequestJson.MaxDepth : RequestJson.DerivedMaxDepth);
        if (parsed is null)
        {
            await context.RejectAsync(error!);
            return;
        }

        context.Call = context.Call with { Body = openAIBody, ClientBody = translated is null ? null : body, Request = parsed };
        await next(context);
    }

    /// <summary>
    /// Kestrel's "the connection's input ended before Content-Length (or the last chunk)": the one
    /// rejection that means the client left rather than sent something wrong. Kestrel exposes the
    /// reason only internally, so its message (stable since ASP.NET Core 2.x) is what tells them apart.
    /// </summary>
    private static bool IsUploadCut(BadHttpRequestException ex) =>
        ex.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal);
}
