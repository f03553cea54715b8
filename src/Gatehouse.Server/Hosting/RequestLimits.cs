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
/// <see cref="RequestJson.FindError"/> (400) before the endpoint's binder sees it.
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
        if (ErrorResponses.IsOpenAI(context.Request.Path)
            || KeyRequirement.Of(context.GetEndpoint()) is null
            || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(context);
            return;
        }

        var request = context.Request;
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

        MemoryMarshal.TryGetArray(body.Memory, out var segment);
        request.Body = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
        await next(context);
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
