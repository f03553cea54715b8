using Gatehouse.Hosting;
using Gatehouse.Keys;
using Gatehouse.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Budgets;

/// <summary><c>/api/budgets</c>: admin-only management of spend limits, each shown with its current spend.</summary>
internal static class BudgetEndpoints
{
    public static RouteGroupBuilder MapBudgetEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/budgets").RequireAdminKey().WithTags("Budgets");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPatch("/{id}", UpdateAsync);
        group.MapDelete("/{id}", DeleteAsync);
        return group;
    }

    private static async Task<Results<Created<BudgetResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateBudgetRequest request, BudgetService budgets, IKeyStore keys, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        BudgetValidation.CheckName(errors, request.Name);
        var hasKey = !string.IsNullOrWhiteSpace(request.KeyId);
        var hasOwner = !string.IsNullOrWhiteSpace(request.Owner);
        if (hasKey == hasOwner)
        {
            errors[hasKey ? "owner" : "keyId"] = ["Give exactly one of 'keyId' (a budget for one key) and 'owner' (for every key of that owner)."];
        }
        else if (hasKey && request.KeyId != CallerIdentity.MasterKeyId && await keys.GetAsync(request.KeyId!, cancellationToken) is null)
        {
            errors["keyId"] = [$"No key has the id '{request.KeyId}'."];
        }

        if (!BudgetNames.TryParsePeriod(request.Period, out var period))
        {
            errors["period"] = [request.Period is null ? "A budget needs a period: 'day', 'month' or 'total'." : $"'{request.Period}' is not a period; use 'day', 'month' or 'total'."];
        }

        if (request.LimitUsd is null)
        {
            errors["limitUsd"] = ["A budget needs a limit in USD."];
        }
        else
        {
            BudgetValidation.CheckLimit(errors, request.LimitUsd.Value);
        }

        BudgetValidation.CheckThresholds(errors, request.AlertThresholds);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (scope, subject) = hasKey ? (BudgetScope.Key, request.KeyId!.Trim()) : (BudgetScope.Owner, request.Owner!.Trim());
        try
        {
            var state = await budgets.CreateAsync(
                request.Name?.Trim(), scope, subject, period, request.LimitUsd!.Value, BudgetValidation.Normalize(request.AlertThresholds) ?? Budget.DefaultThresholds, cancellationToken);
            return TypedResults.Created($"/api/budgets/{state.Budget.Id}", BudgetResponse.From(state));
        }
        catch (StorageConflictException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Budget already exists", detail: ex.Message + " Change that one instead.");
        }
    }

    private static async Task<Ok<BudgetResponse[]>> ListAsync(IBudgetAdmission ledger, string? keyId, string? owner, CancellationToken cancellationToken)
    {
        await ledger.RefreshAsync(null, cancellationToken);
        return TypedResults.Ok(ledger.States()
            .Where(s => (keyId is null || (s.Budget.Scope == BudgetScope.Key && s.Budget.Subject == keyId))
                && (owner is null || (s.Budget.Scope == BudgetScope.Owner && s.Budget.Subject == owner)))
            .Select(BudgetResponse.From)
            .ToArray());
    }

    private static async Task<Results<Ok<BudgetResponse>, ProblemHttpResult>> GetAsync(string id, IBudgetAdmission ledger, CancellationToken cancellationToken)
    {
        await ledger.RefreshAsync(id, cancellationToken);
        return ledger.State(id) is { } state ? TypedResults.Ok(BudgetResponse.From(state)) : NotFound(id);
    }

    private static async Task<Results<Ok<BudgetResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, UpdateBudgetRequest request, BudgetService budgets, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        BudgetValidation.CheckName(errors, request.Name);
        if (request.LimitUsd is { } limit)
        {
            BudgetValidation.CheckLimit(errors, limit);
        }

        BudgetValidation.CheckThresholds(errors, request.AlertThresholds);
        if (request.Name is null && request.LimitUsd is null && request.AlertThresholds is null)
        {
            errors["body"] = ["Nothing to change: set 'limitUsd', 'alertThresholds' or 'name'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var state = await budgets.UpdateAsync(id, request.Name?.Trim(), request.LimitUsd, BudgetValidation.Normalize(request.AlertThresholds), cancellationToken);
        return state is null ? NotFound(id) : TypedResults.Ok(BudgetResponse.From(state));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, BudgetService budgets, CancellationToken cancellationToken) =>
        await budgets.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Budget not found", detail: $"No budget has the id '{id}'.");
}
