using System.Diagnostics.Metrics;
using System.Net;
using Gatehouse.Hosting;
using Gatehouse.Redis;
using Gatehouse.Tests.SharedState;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit;
using static Gatehouse.Tests.Redis.SharedLimitTests;

namespace Gatehouse.Tests.Redis;

/// <summary>
/// A private Redis killed and restarted under two hosts sharing a key's requests per minute: while
/// it is down each host enforces its share of the cap (the cap divided by the replica count it
/// last saw), counted in <c>gatehouse.redis.fallbacks</c> and logged once; when it returns the
/// shared limit applies again, logged once.
/// </summary>
public sealed class RedisLimitOutageTests
{
    private const int LimitsByPolicyEvent = 4003;
    private const int LimitsSharedEvent = 4004;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RedisDown_EachHostEnforcesItsShareOfTheCap_ThenTheSharedLimitAgainWhenRedisReturns()
    {
        const int N = 6;
        const string Body = """{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}""";
        await using var redis = await RedisTestServer.StartAsync();
        await using var hosts = await ReplicaSet.StartAsync(
            2,
            GatehouseServer.FastSimulatorConfig,
            [.. RedisSharedStateTests.RedisArgs(redis.ConnectionString + ",connectTimeout=500", reloadSeconds: 5), "--Gatehouse:Redis:HeartbeatSeconds=1"]);
        var states = hosts.Hosts.Select(h => h.GetService<RedisSharedState>()).ToArray();
        Assert.True(await ReplicaPair.EventuallyAsync(() => Task.FromResult(states.All(s => s.ReplicaCount == 2)), Bound), "the hosts never counted each other");
        var secret = await hosts.CreateKeyAsync(new { name = "rpm", requestsPerMinute = N });
        var fallbacks = hosts.Hosts.Select(h => new MetricCollector<long>(h.GetService<IMeterFactory>(), GatehouseTelemetry.MeterName, "gatehouse.redis.fallbacks")).ToArray();

        // Shared: N over both hosts.
        var shared = await BurstAsync(hosts, secret, 3 * N, _ => Body);
        Assert.Equal(N, shared.Count(r => r.Status == HttpStatusCode.OK));

        // Down: each host N / 2 of its own, whatever the shared log said.
        await redis.StopAsync();
        Assert.True(await ConnectedAsync(hosts, connected: false));
        var down = await BurstAsync(hosts, secret, 3 * N, _ => Body);
        Assert.All(Enumerable.Range(0, hosts.Count), host => Assert.Equal(N / 2, down.Count(r => r.Host == host && r.Status == HttpStatusCode.OK)));
        AssertRefusedInOpenAIShape(down, 2 * N, "requests per minute");
        for (var host = 0; host < hosts.Count; host++)
        {
            Assert.True(states[host].LimitsByPolicy);
            Assert.Equal(3 * N / hosts.Count, fallbacks[host].GetMeasurementSnapshot().Where(m => m.Tags["state"] as string == "limits").Sum(m => m.Value));
            Assert.Equal(1, Events(hosts, host, LimitsByPolicyEvent));
            Assert.Equal(0, Events(hosts, host, LimitsSharedEvent));
        }

        // Back (empty, as a restarted Redis is): the shared limit again. Each host's own share is
        // spent for this minute, so every success here was admitted by Redis.
        await redis.StartAgainAsync();
        Assert.True(await ConnectedAsync(hosts, connected: true));
        var back = await BurstAsync(hosts, secret, 3 * N, _ => Body);
        Assert.Equal(N, back.Count(r => r.Status == HttpStatusCode.OK));
        for (var host = 0; host < hosts.Count; host++)
        {
            Assert.False(states[host].LimitsByPolicy);
            Assert.Equal(3 * N / hosts.Count, fallbacks[host].GetMeasurementSnapshot().Where(m => m.Tags["state"] as string == "limits").Sum(m => m.Value));
            Assert.Equal(1, Events(hosts, host, LimitsByPolicyEvent));
            Assert.Equal(1, Events(hosts, host, LimitsSharedEvent));
        }

        foreach (var collector in fallbacks)
        {
            collector.Dispose();
        }
    }

    private static int Events(ReplicaSet hosts, int host, int eventId) =>
        hosts.Logs(host).GetSnapshot().Count(r => r.Id.Id == eventId);

    private static Task<bool> ConnectedAsync(ReplicaSet hosts, bool connected) =>
        ReplicaPair.EventuallyAsync(() => Task.FromResult(hosts.Hosts.All(h => h.GetService<RedisConnection>().IsConnected == connected)), Bound);
}
