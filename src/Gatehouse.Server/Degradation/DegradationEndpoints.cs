using Gatehouse.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Degradation;

/// <summary>
/// <c>/api/degradation</c> (admin): read the service level, pin one (<c>PUT</c>, kept across
/// restarts), or hand it back to the automatic rule (<c>DELETE</c>).
/// </summary>
internal static class DegradationEndpoints
{
    private const int MaxReasonLength = 500;

    public static IEndpointRouteBuilder MapDegradationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/degradation").RequireAdminKey().WithTags("Degradation");
        group.MapGet("", static (DegradationState state) => TypedResults.Ok(state.Current.ToView()));
        group.MapPut("", PinAsync);
        group.MapDelete("", static async (DegradationState state, CancellationToken cancellationToken) =>
        {
            await state.UnpinAsync(cancellationToken);
            return TypedResults.Ok(state.Current.ToView());
        });
        return endpoints;
    }

    private static async Task<Results<Ok<DegradationView>, ValidationProblem>> PinAsync(SetDegradationRequest request, DegradationState state, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Enum.TryParse<DegradationLevel>(request.Level, ignoreCase: true, out var level) || !Enum.IsDefined(level) || int.TryParse(request.Level, out _))
        {
            errors["level"] = [$"'{request.Level}' is not a level; use one of: full, degraded, basic, emergency."];
        }

        if (request.Reason is { Length: > MaxReasonLength })
        {
            errors["reason"] = [$"The reason is limited to {MaxReasonLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The degradation level was not changed.");
        }

        await state.PinAsync(level, request.Reason, cancellationToken);
        return TypedResults.Ok(state.Current.ToView());
    }
}
