using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Gatehouse.Tests.Support;
using Xunit;
using static Gatehouse.Tests.ScaleOut.ScaleOutCalls;

namespace Gatehouse.Tests.ScaleOut;

/// <summary>
/// What one replica changes, the others apply: a revoked key is refused everywhere within a second
/// (pub/sub), and an answer cached through one replica is a hit on another (HybridCache's second level).
/// </summary>
[Collection(ScaleOutTestGroup.Name)]
public sealed class ScaleOutStateTests
{
    [Fact]
    public async Task AKeyRevokedThroughOneReplica_IsRefusedByTheOthersWithinASecond()
    {
        await using var environment = await ScaleOutEnvironment.CreateAsync();
        await using var upstream = await StartUpstreamAsync();
        await using var cluster = await environment.StartClusterAsync(3, Config(upstream));
        var (id, secret) = await CreateKeyAsync(cluster, 0, new { name = "to-revoke" });
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(cluster, 1, secret)).Status);

        using var admin = cluster.CreateClient(0);
        using (var revoked = await admin.PostAsync($"api/keys/{id}/revoke", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        // The promise is a bound on propagation, so this one test reads a clock: every other replica refuses within 1 s.
        var since = Stopwatch.StartNew();
        foreach (var replica in new[] { 1, 2 })
        {
            using var client = cluster.CreateClient(replica, secret);
            while ((await client.GetAsync("v1/models", Ct)).StatusCode != HttpStatusCode.Unauthorized)
            {
                Assert.True(since.Elapsed < TimeSpan.FromSeconds(1), $"replica {replica} still accepts the revoked key after {since.Elapsed.TotalMilliseconds:F0} ms");
                await Task.Delay(10, Ct);
            }
        }

        var call = await CallAsync(cluster, 2, secret);
        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
    }

    [Fact]
    public async Task AKeysChangedSettings_SetThroughOneReplica_ApplyOnTheOthers()
    {
        await using var environment = await ScaleOutEnvironment.CreateAsync();
        await using var upstream = await StartUpstreamAsync();
        await using var cluster = await environment.StartClusterAsync(2, Config(upstream));
        var (id, secret) = await CreateKeyAsync(cluster, 0, new { name = "settings", cache = new { @namespace = "first" } });
        const string Body = """{"model":"cached","max_tokens":10,"messages":[{"role":"user","content":"Which namespace?"}]}""";
        Assert.Equal("miss", (await CallAsync(cluster, 0, secret, Body)).Cache);
        Assert.Equal("hit", (await CallAsync(cluster, 1, secret, Body)).Cache);

        using var admin = cluster.CreateClient(0);
        using (var changed = await admin.PatchAsJsonAsync($"api/keys/{id}", new { cache = new { @namespace = "second" } }, TestJson.Options, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        // Replica 1 learns the change from the bus (at worst from its periodic reload): the key's answers now live
        // in another namespace, so the same call misses there once.
        await WaitUntilAsync(async () => (await CallAsync(cluster, 1, secret, Body)).Cache == "miss", "replica 1 applies the key's new cache namespace");
    }

    [Fact]
    public async Task AnAnswerCachedThroughOneReplica_IsAHitOnAnother()
    {
        await using var environment = await ScaleOutEnvironment.CreateAsync();
        await using var upstream = await StartUpstreamAsync();
        await using var cluster = await environment.StartClusterAsync(2, Config(upstream));
        var (_, secret) = await CreateKeyAsync(cluster, 0, new { name = "cache" });
        const string Body = """{"model":"cached","max_tokens":10,"messages":[{"role":"user","content":"Cached across replicas?"}]}""";

        var first = await CallAsync(cluster, 0, secret, Body);
        var second = await CallAsync(cluster, 1, secret, Body);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("miss", first.Cache);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal("hit", second.Cache);
        Assert.Single(upstream.Received);
        Assert.Equal(
            System.Text.Json.JsonDocument.Parse(first.Body).RootElement.GetProperty("choices").GetRawText(),
            System.Text.Json.JsonDocument.Parse(second.Body).RootElement.GetProperty("choices").GetRawText());
    }
}
