using System.Net;
using Gatehouse.Configuration;
using Gatehouse.Providers;
using Gatehouse.Routing;
using Gatehouse.Tests.Support;
using Gatehouse.Usage;
using Xunit;

namespace Gatehouse.Tests.Routing;

public sealed class RouteSelectorTests
{
    private static Deployment Deployment(string name, decimal? pricePerToken = null) =>
        new(name, name, new NamedProvider(name), pricePerToken is { } p ? new ModelPrice { InputPerToken = p, OutputPerToken = p } : null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));

    private static ModelRoute Route(RoutingStrategy strategy, IReadOnlyList<Deployment> deployments, IReadOnlyList<double>? weights = null) =>
        new("alias", deployments, null, DateTimeOffset.UnixEpoch, strategy, weights);

    private static string[] Names(IEnumerable<Deployment> deployments) => [.. deployments.Select(d => d.Name)];

    [Fact]
    public void Ordered_KeepsConfiguredOrder()
    {
        var selector = new RouteSelector(new DeploymentStatsRegistry());
        Assert.Equal(["a", "b", "c"], Names(selector.Order(Route(RoutingStrategy.Ordered, [Deployment("a"), Deployment("b"), Deployment("c")]))));
    }

    [Fact]
    public void Weighted_FirstPickFollowsWeights_ZeroWeightOnlyAsFallback_RestInOrder()
    {
        var selector = new RouteSelector(new DeploymentStatsRegistry(), new Random(1234));
        var route = Route(RoutingStrategy.Weighted, [Deployment("a"), Deployment("b"), Deployment("c")], [3, 1, 0]);
        var firsts = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        for (var i = 0; i < 10_000; i++)
        {
            var order = Names(selector.Order(route));
            firsts[order[0]]++;
            Assert.Equal(3, order.Distinct().Count());
            Assert.Equal("c", order[^1]);
        }

        Assert.Equal(0, firsts["c"]);
        Assert.InRange(firsts["a"] / 10_000d, 0.72, 0.78);
    }

    [Fact]
    public void LeastBusy_PrefersFewestInFlight()
    {
        var stats = new DeploymentStatsRegistry();
        var a = Deployment("a");
        var b = Deployment("b");
        stats.For(a).Enter();
        stats.For(a).Enter();
        stats.For(b).Enter();
        var selector = new RouteSelector(stats);

        Assert.Equal(["b", "a"], Names(selector.Order(Route(RoutingStrategy.LeastBusy, [a, b]))));
        stats.For(a).Exit(10, succeeded: true);
        stats.For(a).Exit(10, succeeded: true);
        Assert.Equal(["a", "b"], Names(selector.Order(Route(RoutingStrategy.LeastBusy, [a, b]))));
    }

    [Fact]
    public void LowestLatency_TriesUnmeasuredFirst_ThenFastestAverage()
    {
        var stats = new DeploymentStatsRegistry();
        var slow = Deployment("slow");
        var fast = Deployment("fast");
        var fresh = Deployment("fresh");
        foreach (var (deployment, ms) in new[] { (slow, 400d), (fast, 50d) })
        {
            stats.For(deployment).Enter();
            stats.For(deployment).Exit(ms, succeeded: true);
        }

        var selector = new RouteSelector(stats);
        Assert.Equal(["fresh", "fast", "slow"], Names(selector.Order(Route(RoutingStrategy.LowestLatency, [slow, fast, fresh]))));

        // Failures do not count as latency: a deployment that fails fast does not look fast.
        stats.For(slow).Enter();
        stats.For(slow).Exit(1, succeeded: false);
        Assert.Equal(400, stats.For(slow).LatencyMs);
    }

    [Fact]
    public void MovingAverage_FollowsRecentLatency()
    {
        var stats = new DeploymentStats();
        stats.Enter();
        stats.Exit(100, succeeded: true);
        for (var i = 0; i < 30; i++)
        {
            stats.Enter();
            stats.Exit(10, succeeded: true);
        }

        Assert.InRange(stats.LatencyMs, 10, 11);
        Assert.Equal(0, stats.InFlight);
    }

    [Fact]
    public void Cheapest_OrdersByPrice_UnpricedLast()
    {
        var selector = new RouteSelector(new DeploymentStatsRegistry());
        var route = Route(RoutingStrategy.Cheapest, [Deployment("unpriced"), Deployment("dear", 0.00001m), Deployment("cheap", 0.0000001m)]);
        Assert.Equal(["cheap", "dear", "unpriced"], Names(selector.Order(route)));
    }

    [Fact]
    public async Task CheapestAlias_EndToEnd_AnswersFromTheCheaperSimulator()
    {
        await using var server = await GatehouseServer.StartAsync("""
            { "Gatehouse": {
                "Deployments": {
                  "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
                  "sim-large": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } } },
                "Models": { "thrifty": { "Strategy": "Cheapest", "Deployments": [ "sim-large", "sim-small" ] } } } }
            """);
        using var client = server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"thrifty","messages":[{"role":"user","content":"hi"}]}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sim-small", response.Headers.GetValues("x-gatehouse-deployment").Single());
    }

    [Fact]
    public async Task WeightsNamingUnknownDeployment_FailAtStart()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => GatehouseServer.StartAsync("""
            { "Gatehouse": { "Models": { "w": { "Strategy": "Weighted", "Deployments": [ "sim-small" ], "Weights": { "sim-nope": 2 } } } } }
            """));
        Assert.Contains("Gatehouse:Models:w:Weights:sim-nope", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Routing only looks at a deployment's name, price and stats; this provider is never called.</summary>
    private sealed class NamedProvider(string name) : IModelProvider
    {
        public string Name { get; } = name;

        public Task<HttpResponseMessage> SendAsync(ProviderRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Routing tests never send.");
    }
}
