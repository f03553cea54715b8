using Gatehouse.Hosting;
using Gatehouse.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Analytics;

/// <summary>
/// <c>GET /api/analytics?from&amp;to&amp;groupBy=hour|day</c>: executions and gateway requests counted over a
/// time range. The admin key sees everything; a virtual key its owner's executions and the requests
/// of its owner's keys (only its own when it has no owner).
/// </summary>
internal static class AnalyticsEndpoints
{
    /// <summary>Bounds the response and the gap filling: 92 days by the hour, about five years by the day.</summary>
    public const int MaxBuckets = 2208;

    private static readonly TimeSpan DefaultRange = TimeSpan.FromDays(1);

    public static RouteGroupBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/analytics").RequireAnyKey().WithTags("Analytics");
        group.MapGet("/", GetAsync);
        return group;
    }

    private static async Task<Results<Ok<AnalyticsReport>, ValidationProblem>> GetAsync(
        HttpContext context, IAnalyticsStore store, TimeProvider timeProvider, DateTimeOffset? from, DateTimeOffset? to, string? groupBy, CancellationToken cancellationToken)
    {
        var end = to ?? timeProvider.GetUtcNow();

        // The default range is the day before 'to'; near the calendar's start it begins there instead of underflowing.
        var start = from ?? (end.UtcTicks - DateTimeOffset.MinValue.UtcTicks < DefaultRange.Ticks ? DateTimeOffset.MinValue : end - DefaultRange);
        var errors = new Dictionary<string, string[]>();
        if (start >= end)
        {
            errors["from"] = ["'from' must be before 'to'."];
        }

        groupBy ??= end - start <= TimeSpan.FromDays(2) ? "hour" : "day";
        if (groupBy is not "hour" and not "day")
        {
            errors["groupBy"] = ["Use 'hour' or 'day'."];
        }

        var caller = context.GetCaller();
        var query = new AnalyticsQuery
        {
            From = start,
            To = end,
            GroupBy = groupBy,
            Owner = caller.IsAdmin ? null : caller.Owner,
            KeyId = caller.IsAdmin || caller.Owner is not null ? null : caller.KeyId,
        };
        if (errors.Count == 0 && (end - start) / query.BucketWidth > MaxBuckets)
        {
            errors["groupBy"] = [$"The range holds more than {MaxBuckets} {groupBy}s; shorten it or group by day."];
        }

        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await store.ComputeAsync(query, cancellationToken));
    }
}
