using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Gatehouse.Health;

internal static class HealthEndpoints
{
    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: it can serve (database reachable).</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = static _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = static check => check.Tags.Contains(DatabaseHealthCheck.ReadyTag) });
        return endpoints;
    }
}
