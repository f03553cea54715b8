using Gatehouse.Hosting;
using Gatehouse.Keys;
using Gatehouse.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Records;

/// <summary><c>/api/requests</c>: the request history. Admin sees every record; a virtual key sees its own.</summary>
internal static class RecordEndpoints
{
    public static RouteGroupBuilder MapRecordEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/requests").RequireAnyKey().WithTags("Requests");
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        return group;
    }

    private static async Task<Results<Ok<RequestRecordPage>, ValidationProblem>> ListAsync(
        HttpContext context,
        IRequestRecordStore store,
        string? key,
        string? model,
        int? status,
        string? outcome,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string? cursor,
        string? limit,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var page = ListPaging.Read(limit, cursor, RequestRecordSql.MaxLimit, static c => RequestRecordCursor.TryDecode(c, out _), (field, message) => errors[field] = [message]);
        if (outcome is not null and not "success" and not "error")
        {
            errors["outcome"] = ["Use 'success' or 'error'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var caller = context.GetCaller();
        var query = new RequestRecordQuery
        {
            KeyId = caller.IsAdmin ? key : caller.KeyId,
            Model = model,
            StatusCode = status,
            Outcome = outcome,
            From = from,
            To = to,
            Cursor = page.Cursor,
            Limit = page.Limit,
        };

        try
        {
            return TypedResults.Ok(await store.QueryAsync(query, cancellationToken));
        }
        catch (ArgumentException ex)
        {
            // The store rejects cursors it did not issue (and outcomes it does not know).
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ex.ParamName ?? "query"] = [ex.Message] });
        }
    }

    private static async Task<Results<Ok<RequestRecord>, ProblemHttpResult>> GetAsync(Guid id, HttpContext context, IRequestRecordStore store, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(id, cancellationToken);
        var caller = context.GetCaller();
        if (record is null || (!caller.IsAdmin && record.KeyId != caller.KeyId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Request not found", detail: $"No request record has the id '{id}'.");
        }

        return TypedResults.Ok(record);
    }
}
