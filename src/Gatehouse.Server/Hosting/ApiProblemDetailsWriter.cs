using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Gatehouse.Hosting;

/// <summary>
/// Writes ProblemDetails as <c>application/problem+json</c> under <c>/api</c> whatever the request's
/// <c>Accept</c> says. Registered after the framework's writer, which writes only when <c>Accept</c>
/// allows JSON: without this one, an error the framework produces (a 400/415 from the binder, a 404
/// or 405 from routing, through <c>UseStatusCodePages</c>) reached a client sending
/// <c>Accept: application/xml</c> or <c>text/event-stream</c> as <c>text/plain</c>
/// "Status Code: 400; Bad Request". The management API has one error format.
/// </summary>
internal sealed class ApiProblemDetailsWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => ManagementApi.Owns(context.HttpContext.Request.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;

        // The result applies the same defaults (type, title) as the framework's writer; it is not executed.
        _ = TypedResults.Problem(problem);
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(http.Response.WriteAsJsonAsync(context.ProblemDetails, context.ProblemDetails.GetType(), options: null, "application/problem+json", http.RequestAborted));
    }
}
