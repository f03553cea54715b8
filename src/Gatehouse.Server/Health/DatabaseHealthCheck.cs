using Gatehouse.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gatehouse.Health;

/// <summary>Ready only when the database answers; liveness does not depend on it.</summary>
internal sealed class DatabaseHealthCheck(ISettingsStore settings) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await settings.GetAsync("health_probe", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database is not reachable.", ex);
        }
    }
}
