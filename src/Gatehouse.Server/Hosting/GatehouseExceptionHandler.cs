using Gatehouse.OpenAI;
using Microsoft.AspNetCore.Diagnostics;

namespace Gatehouse.Hosting;

/// <summary>
/// What <c>UseExceptionHandler</c> answers with outside the <c>/v1</c> pipeline (which answers its own
/// failures, see <c>RecordingStage</c>): a request Kestrel refused while it was being read
/// (<see cref="BadHttpRequestException"/>: its own status), a database that cannot answer now (503,
/// <see cref="Storage.StorageErrors"/>) or a bug (500), in the caller's dialect.
/// Under <c>/api</c> a bug is left to the default ProblemDetails writer.
/// </summary>
internal sealed class GatehouseExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted || httpContext.RequestAborted.IsCancellationRequested)
        {
            return false;
        }

        if (exception is BadHttpRequestException bad)
        {
            // The binder's "Failed to read parameter …" says where; the JSON reader's message what.
            var message = bad.InnerException is System.Text.Json.JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;
            await ErrorResponses.WriteAsync(httpContext, new OpenAIError(bad.StatusCode, message, "invalid_request_error", Code: "bad_request"));
            return true;
        }

        if (Storage.StorageErrors.IsUnavailable(exception))
        {
            // Not a bug: the database cannot answer now. Calls with known keys go on being served from memory.
            httpContext.Response.Headers.RetryAfter = "5";
            await ErrorResponses.WriteAsync(httpContext, new OpenAIError(
                StatusCodes.Status503ServiceUnavailable,
                $"The database is not reachable right now; try again shortly (trace id {httpContext.TraceIdentifier}).",
                "server_error",
                Code: "storage_unavailable"));
            return true;
        }

        if (!ErrorResponses.IsOpenAI(httpContext.Request.Path))
        {
            return false;
        }

        await ErrorResponses.WriteAsync(httpContext, new OpenAIError(
            StatusCodes.Status500InternalServerError,
            $"Gatehouse failed to process the request (trace id {httpContext.TraceIdentifier}).",
            "server_error",
            Code: "internal_error"));
        return true;
    }
}
