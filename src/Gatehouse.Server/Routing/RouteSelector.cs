using Gatehouse.Configuration;

namespace Gatehouse.Routing;

/// <summary>
/// Orders a route's deployments for one call according to its <see cref="RoutingStrategy"/>: the
/// first is tried first, the rest are the fallback chain. Ties keep the configured order.
/// </summary>
internal sealed class RouteSelector(DeploymentStatsRegistry stats, Random random)
{
    public RouteSelector(DeploymentStatsRegistry stats)
        : this(stats, Random.Shared)
    {
    }

    public IReadOnlyList<Deployment> Order(ModelRoute route, RoutingStrategy? strategyOverride = null)
    {
        var deployments = route.Deployments;
        var strategy = strategyOverride ?? route.Strategy;
        if (deployments.Count < 2 || strategy == RoutingStrategy.Ordered)
        {
            return deployments;
        }

        return strategy switch
        {
            RoutingStrategy.Weighted => WeightedFirst(deployments, route.Weights),
            RoutingStrategy.LeastBusy => StableSort(deployments, d => stats.For(d).InFlight),
            RoutingStrategy.LowestLatency => StableSort(deployments, d => stats.For(d).LatencyMs is var ms && double.IsNaN(ms) ? -1 : ms),
            RoutingStrategy.Cheapest => StableSort(deployments, d => d.Price is { } p ? (double)(p.InputPerToken + p.OutputPerToken) : double.MaxValue),
            _ => deployments,
        };
    }

    private Deployment[] WeightedFirst(IReadOnlyList<Deployment> deployments, IReadOnlyList<double>? weights)
    {
        var total = 0d;
        for (var i = 0; i < deployments.Count; i++)
        {
            total += Weight(weights, i);
        }

        var pick = random.NextDouble() * total;
        var first = LastPositive(weights, deployments.Count); // where rounding leaves the pick past the end
        for (var i = 0; i < deployments.Count; i++)
        {
            var weight = Weight(weights, i);
            if (weight > 0 && pick < weight)
            {
                first = i;
                break;
            }

            pick -= weight;
        }

        var ordered = new Deployment[deployments.Count];
        ordered[0] = deployments[first];
        for (int i = 0, next = 1; i < deployments.Count; i++)
        {
            if (i != first)
            {
                ordered[next++] = deployments[i];
            }
        }

        return ordered;
    }

    private static double Weight(IReadOnlyList<double>? weights, int index) => weights is null ? 1d : weights[index];

    private static int LastPositive(IReadOnlyList<double>? weights, int count)
    {
        for (var i = count - 1; i > 0; i--)
        {
            if (Weight(weights, i) > 0)
            {
                return i;
            }
        }

        return 0;
    }

    private static Deployment[] StableSort<TKey>(IReadOnlyList<Deployment> deployments, Func<Deployment, TKey> key) =>
        [.. deployments.Select((d, i) => (Deployment: d, Key: key(d), Index: i)).OrderBy(x => x.Key).ThenBy(x => x.Index).Select(x => x.Deployment)];
}
