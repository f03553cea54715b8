using Gatehouse.Gateway.Dialects;
using Gatehouse.OpenAI;
using Microsoft.AspNetCore.WebUtilities;

namespace Gatehouse.Hosting;

/// <summary>
/// Errors answered outside the <c>/v1</c> pipeline (limits, unknown routes, status-code pages, the
/// exception handler) in the caller's dialect, chosen by path: Anthropic's error JSON under
/// <c>/v1/messages</c>, OpenAI's under the rest of <c>/v1</c>, ProblemDetails everywhere else.
/// No <c>/v1</c> caller ever gets the framework's ProblemDetails, which its SDK cannot read.
/// </summary>
internal static class ErrorResponses
{
    public static bool IsAnthropic(PathString path) => path.StartsWithSegments("/v1/messages", StringComparison.OrdinalIgnoreCase);

    public static bool IsOpenAI(PathString path) => path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase);

    /// <summary>The dialect whose endpoints live under <paramref name="path"/>; null outside <c>/v1</c>.</summary>
    private static ClientDialect? DialectOf(PathString path) =>
        IsAnthropic(path) ? AnthropicMessagesDialect.Instance : IsOpenAI(path) ? OpenAIChatDialect.Instance : null;

    /// <summary>Writes <paramref name="error"/> in the dialect of the request's path; <paramref name="title"/> is the ProblemDetails title (default: the status's reason phrase).</summary>
    public static Task WriteAsync(HttpContext context, OpenAIError error, string? title = null)
    {
        if (DialectOf(context.Request.Path) is { } dialect)
        {
            return dialect.WriteErrorAsync(context.Response, error, context.RequestAborted);
        }

        return TypedResults.Problem(statusCode: error.StatusCode, title: title ?? ReasonPhrases.GetReasonPhrase(error.StatusCode), detail: error.Message)
            .ExecuteAsync(context);
    }

    /// <summary>The body for a status set with none (a 405 from routing, anything a component ends with an empty error).</summary>
    public static Task WriteStatusAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        if (!IsOpenAI(context.Request.Path))
        {
            return WriteProblemAsync(context, status);
        }

        var reason = ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
        return WriteAsync(context, new OpenAIError(
            status,
            $"{reason} ({context.Request.Method} {context.Request.Path}).",
            status >= 500 ? "server_error" : "invalid_request_error",
            Code: reason.ToLowerInvariant().Replace(' ', '_')));
    }

    /// <summary>ProblemDetails when a writer takes the request (every <c>/api</c> one does); elsewhere a client that accepts no JSON gets the status line as text.</summary>
    private static async Task WriteProblemAsync(HttpContext context, int status)
    {
        var written = await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = { Status = status } });
        if (!written)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"{status} {ReasonPhrases.GetReasonPhrase(status)}", context.RequestAborted);
        }
    }
}
