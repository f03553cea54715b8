using Gatehouse.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gatehouse.Health;

/// <summary>
/// Whether the database answers. When it does not, the replica is Degraded, not Unhealthy: it still
/// serves calls with the keys it holds in memory while records wait in the journal and queue, so a
/// load balancer should keep sending them (with every replica on one database, Unhealthy would take
/// all of them out at once). Management changes fail with 503 meanwhile. Liveness does not depend on it.
/// </summary>
internal sealed class DatabaseHealthCheck(ISettingsStore settings) : IHealthCheck
{
    public const string ReadyTag = "ready";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // A probe that waits out the driver's connect timeout (15 s on Npgsql) would outlast the load balancer's.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await settings.GetAsync("health_probe", timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded("The database is not reachable: serving known keys from memory; records wait in the journal; management changes fail.", ex);
        }
    }
}
