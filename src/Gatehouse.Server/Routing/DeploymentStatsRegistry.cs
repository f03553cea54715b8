using System.Collections.Concurrent;

namespace Gatehouse.Routing;

/// <summary>Stats by deployment name; kept across configuration reloads so a reload does not forget what it has seen.</summary>
internal sealed class DeploymentStatsRegistry
{
    private readonly ConcurrentDictionary<string, DeploymentStats> _stats = new(StringComparer.Ordinal);

    public DeploymentStats For(Deployment deployment) => _stats.GetOrAdd(deployment.Name, static _ => new DeploymentStats());
}
