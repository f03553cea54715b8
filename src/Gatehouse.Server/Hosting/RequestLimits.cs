using System.Runtime.InteropServices;
using Gatehouse.Configuration;
using Gatehouse.OpenAI;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Gatehouse.Hosting;

/// <summary>
/// Gatehouse's own limits on what a request may be, answered in the caller's dialect
/// (<see cref="ErrorResponses"/>) instead of Kestrel's empty 413 and 431. Kestrel's limits are set to
/// twice Gatehouse's (<see cref="ConfigureKestrel"/>), so only broken framing or a head far beyond the
/// limit is refused before any of this runs.
/// </summary>
/// <remarks>
/// Every request: its headers (count, and bytes of names and values plus 4 a line) against
/// <c>MaxRequestHeaderCount</c> / <c>MaxRequestHeadersBytes</c> → 431; Kestrel's body limit for this
/// request set from the current <c>MaxRequestBodyBytes</c> (so a reload is followed). For an
/// <c>/api</c> endpoint that takes a key (so after <see cref="CallerAccess"/> let the caller in; <c>/v1</c>'s
/// reading stage reads, limits and checks its body itself, and records the call), a JSON body is read here against <c>MaxRequestBodyBytes</c> (413) and checked with
/// <see cref="RequestJson.FindError"/> (400) before the endpoint's binder sees it; U+0000 in its path,
/// query or body is refused too (400 <c>invalid_text</c>, see <see cref="NulRefused"/>).
/// </remarks>
internal sealed class RequestLimits(RequestDelegate next, IOptionsMonitor<GatehouseOptions> options)
{
    /// <summary>Kestrel's limits are this many times Gatehouse's.</summary>
    private const int KestrelHeadroom = 2;

    public static void ConfigureKestrel(KestrelServerLimits limits, GatehouseOptions options)
    {
        limits.MaxRequestBodySize = options.MaxRequestBodyBytes * KestrelHeadroom;
        limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersBytes * KestrelHeadroom;
        limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount * KestrelHeadroom;
        limits.Http2.MaxRequestHeaderFieldSize = Math.Max(limits.Http2.MaxRequestHeaderFieldSize, options.MaxRequestHeadersBytes * KestrelHeadroom);
        limits.Http3.MaxRequestHeaderFieldSize = Math.Max(limits.Http3.MaxRequestHeaderFieldSize, options.MaxRequestHeadersBytes * KestrelHeadroom);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var limits = options.CurrentValue;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limits.MaxRequestBodyBytes * KestrelHeadroom;
        }

        if (CheckHeaders(context.Request.Headers, limits) is { } tooLarge)
        {
            await ErrorResponses.WriteAsync(context, tooLarge, "Request headers too large");
            return;
        }

        // Only a body an endpoint will bind is read, and only once CallerAccess has let its caller in:
        // a request that routing could not match (a 404 or 405 to come) never has its body read.
        if (ErrorResponses.IsOpenAI(context.Request.Path) || KeyRequirement.Of(context.GetEndpoint()) is null)
        {
            await next(context);
            return;
        }

        var request = context.Request;
        if (HasNulInPathOrQuery(request))
        {
            await ErrorResponses.WriteAsync(context, NulRefused("The request's path or query string"), "Invalid text");
            return;
        }

        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(context);
            return;
        }

        if (request.ContentLength > limits.MaxRequestBodyBytes)
        {
            await ErrorResponses.WriteAsync(context, OpenAIError.BodyTooLarge(limits.MaxRequestBodyBytes), "Request body too large");
            return;
        }

        if (!request.HasJsonContentType())
        {
            await next(context); // the endpoint answers 415, or reads no body
            return;
        }

        var body = await PooledBody.ReadAsync(request.Body, request.ContentLength, limits.MaxRequestBodyBytes, context.RequestAborted);
        if (body is null)
        {
            await ErrorResponses.WriteAsync(context, OpenAIError.BodyTooLarge(limits.MaxRequestBodyBytes), "Request body too large");
            return;
        }

        context.Response.RegisterForDispose(body);
        if (RequestJson.FindError(body.Memory.Span) is { } invalid)
        {
            await ErrorResponses.WriteAsync(
                context,
                new OpenAIError(StatusCodes.Status400BadRequest, $"The request body is not valid JSON: {invalid}.", "invalid_request_error", Code: "invalid_json"),
                "Invalid JSON");
            return;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<StoresNoText>() is null && RequestJson.FindNulEscape(body.Memory.Span) is >= 0 and var nul)
        {
            await ErrorResponses.WriteAsync(context, NulRefused($"The request body (a \\u0000 escape at byte {nul})"), "Invalid text");
            return;
        }

        MemoryMarshal.TryGetArray(body.Memory, out var segment);
        request.Body = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
        await next(context);
    }

    /// <summary>
    /// What <c>/api</c> stores must fit every back end, and PostgreSQL's text cannot hold U+0000 (SQLite's
    /// can): refused at the door on both, so a configuration change never turns a stored name into a 500.
    /// </summary>
    private static OpenAIError NulRefused(string where) => new(
        StatusCodes.Status400BadRequest,
        $"{where} holds the character U+0000, which Gatehouse does not store.",
        "invalid_request_error",
        Code: "invalid_text");

    private static bool HasNulInPathOrQuery(HttpRequest request)
    {
        if (request.Path.Value?.Contains('\0', StringComparison.Ordinal) == true)
        {
            return true;
        }

        foreach (var (_, values) in request.Query)
        {
            foreach (var value in values)
            {
                if (value?.Contains('\0', StringComparison.Ordinal) == true)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static OpenAIError? CheckHeaders(IHeaderDictionary headers, GatehouseOptions limits)
    {
        var count = 0;
        long bytes = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                count++;
                bytes += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        if (count > limits.MaxRequestHeaderCount)
        {
            return new OpenAIError(
                StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"The request has {count} headers; this gateway accepts at most {limits.MaxRequestHeaderCount}.",
                "invalid_request_error",
                Code: "request_headers_too_large");
        }

        return bytes > limits.MaxRequestHeadersBytes
            ? new OpenAIError(
                StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"The request headers are about {bytes} bytes; this gateway accepts at most {limits.MaxRequestHeadersBytes}.",
                "invalid_request_error",
                Code: "request_headers_too_large")
            : null;
    }
}
