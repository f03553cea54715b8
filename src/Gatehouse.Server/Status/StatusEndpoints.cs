using Gatehouse.Caching;
using Gatehouse.Configuration;
using Gatehouse.Degradation;
using Gatehouse.Hosting;
using Gatehouse.Records;
using Gatehouse.Resilience;
using Gatehouse.Routing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gatehouse.Status;

/// <summary><c>GET /api/status</c> (admin): the degradation level, every deployment's live state (calls in flight, recent latency, circuit breaker), the cache's counts, and where request records stand.</summary>
internal static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapStatusEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/status", GetStatus).RequireAdminKey().WithTags("Status");
        return endpoints;
    }

    private static Ok<GatewayStatus> GetStatus(
        RouteTableProvider routes, DeploymentStatsRegistry stats, DeploymentResilienceRegistry resilience, CacheCounters cache, IInFlightAnswers inFlight, DegradationState degradation,
        RequestRecordWriter records, IOptions<GatehouseOptions> options)
    {
        var deployments = routes.Current.Routes
            .SelectMany(r => r.Deployments.Concat(r.ContextWindowFallbacks ?? []).Concat(r.ContentPolicyFallbacks ?? []))
            .DistinctBy(d => d.Name)
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d =>
            {
                var live = stats.For(d);
                var latency = live.LatencyMs;
                var circuit = resilience.BreakerState(d) is { } state ? state.ToString().ToLowerInvariant() : d.Resilience.BreakerFailureRatio > 0 ? "closed" : "none";
                return new DeploymentStatus(d.Name, d.Provider.Name, live.InFlight, double.IsNaN(latency) ? null : Math.Round(latency, 3), circuit);
            })
            .ToArray();
        var models = routes.Current.Routes.OrderBy(r => r.PublicName, StringComparer.Ordinal)
            .Select(r => new ModelStatus(r.PublicName, r.Strategy.ToString(), [.. r.Deployments.Select(d => d.Name)]))
            .ToArray();
        return TypedResults.Ok(new GatewayStatus(
            degradation.Current.ToView(),
            models,
            deployments,
            new CacheStatus(cache.Hits, cache.Misses, cache.Coalesced, inFlight.Count),
            RecordsStatus.From(records.Status(), options.Value.Records.JournalSyncMilliseconds)));
    }
}

public sealed record GatewayStatus(DegradationView Degradation, IReadOnlyList<ModelStatus> Models, IReadOnlyList<DeploymentStatus> Deployments, CacheStatus Cache, RecordsStatus Records);

/// <summary>The response cache since start: answers served from it, upstream calls made for it, calls that shared one in flight, and answers being produced now.</summary>
public sealed record CacheStatus(long Hits, long Misses, long Coalesced, int InFlight);

public sealed record ModelStatus(string Name, string Strategy, IReadOnlyList<string> Deployments);

/// <summary><see cref="Circuit"/>: <c>closed</c>, <c>open</c>, <c>halfopen</c>, <c>isolated</c>, or <c>none</c> (no breaker).</summary>
public sealed record DeploymentStatus(string Name, string Provider, int InFlight, double? LatencyMs, string Circuit);
