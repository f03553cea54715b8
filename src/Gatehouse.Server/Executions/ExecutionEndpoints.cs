using Gatehouse.Hosting;
using Gatehouse.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Executions;

/// <summary>
/// <c>/api/executions</c>: execution history, one execution, and retry. The admin key sees every
/// execution; a virtual key its owner's (another owner's execution is a 404).
/// </summary>
internal static class ExecutionEndpoints
{
    public static RouteGroupBuilder MapExecutionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/executions").RequireAnyKey().WithTags("Executions");
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("/{id:guid}/retry", RetryAsync);
        return group;
    }

    private static async Task<Results<Ok<ExecutionPage>, ValidationProblem>> ListAsync(
        HttpContext context,
        IExecutionStore store,
        string? prompt,
        string? version,
        string? status,
        string? model,
        string? key,
        Guid? retryOf,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string? cursor,
        string? limit,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var page = ListPaging.Read(limit, cursor, ExecutionSql.MaxLimit, static c => RequestRecordCursor.TryDecode(c, out _), (field, message) => errors[field] = [message]);
        if (status is not null && !ExecutionStatuses.IsKnown(status))
        {
            errors["status"] = ["Use 'completed', 'failed' or 'validation_failed'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = new ExecutionQuery
        {
            Prompt = prompt,
            VersionId = version,
            Status = status,
            Model = model,
            KeyId = key,
            RetryOf = retryOf,
            From = from,
            To = to,
            Cursor = page.Cursor,
            Limit = page.Limit,
        };
        if (!ExecutionVisibility.TryScope(context.GetCaller(), query, out var scoped))
        {
            return TypedResults.Ok(new ExecutionPage([], null));
        }

        try
        {
            return TypedResults.Ok(await store.QueryAsync(scoped, cancellationToken));
        }
        catch (ArgumentException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = [ex.Message] });
        }
    }

    private static async Task<Results<Ok<Execution>, ProblemHttpResult>> GetAsync(Guid id, HttpContext context, IExecutionStore store, CancellationToken cancellationToken)
    {
        var execution = await store.GetAsync(id, cancellationToken);
        return execution is not null && ExecutionVisibility.CanSee(context.GetCaller(), execution) ? TypedResults.Ok(execution) : NotFound(id);
    }

    /// <summary>Runs the same rendered call again as the caller, linked to the original by <c>retryOf</c>; 201 whatever the new execution's status.</summary>
    private static async Task<Results<Created<Execution>, ProblemHttpResult>> RetryAsync(
        Guid id, HttpContext context, IExecutionStore store, ExecutionEngine engine, CancellationToken cancellationToken)
    {
        var caller = context.GetCaller();
        var original = await store.GetAsync(id, cancellationToken);
        if (original is null || !ExecutionVisibility.CanSee(caller, original))
        {
            return NotFound(id);
        }

        var retry = await engine.ExecuteAsync(
            new ExecutionRequest
            {
                Caller = caller,
                Call = original.Call,
                Prompt = new PromptReference(original.PromptId, original.PromptSlug, original.PromptVersionId, original.Label),
                Inputs = original.Inputs,
                Overrides = original.Overrides,
                RetryOf = original.Id,
            },
            cancellationToken: cancellationToken);
        return TypedResults.Created($"/api/executions/{retry.Id}", retry);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Execution not found", detail: $"No execution has the id '{id}'.");
}
