using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Gatehouse.Storage.PostgreSql;
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
    public async Task AKeyWhoseNoticeNeverArrived_IsLearnedFromTheDatabaseOnFirstUse()
    {
        await using var environment = await ScaleOutEnvironment.CreateAsync();
        await using var upstream = await StartUpstreamAsync();

        // No periodic reload: only the lookup on a miss can teach a replica a key it was not told about.
        await using var cluster = await environment.StartClusterAsync(2, Config(upstream), ["--Gatehouse:SharedState:ReloadSeconds=0"]);
        await using var database = new PostgreSqlDatabase(environment.ConnectionString);
        var store = new PostgreSqlKeyStore(database);
        var (active, activeSecret) = StoredKey("active");
        var (revoked, revokedSecret) = StoredKey("revoked");
        await store.InsertAsync(active, Ct);
        await store.InsertAsync(revoked with { RevokedAt = DateTimeOffset.UtcNow }, Ct);

        var call = await CallAsync(cluster, 1, activeSecret);
        Assert.True(call.Status == HttpStatusCode.OK, call.Body);
        using (var client = cluster.CreateClient(0, activeSecret))
        using (var models = await client.GetAsync("v1/models", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        }

        var refused = await CallAsync(cluster, 0, revokedSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("revoked", refused.Body, StringComparison.Ordinal);

        // A made-up key of the right shape is still a 401 in each dialect, looked up or remembered as absent.
        var madeUp = Gatehouse.Keys.ApiKeyGenerator.NewSecret();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(cluster, 1, madeUp)).Status);
            using var stranger = cluster.CreateClient(1, madeUp);
            using var problem = await stranger.GetAsync("api/keys", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, problem.StatusCode);
            Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        }

        // The key a replica learned is one a revocation through the other replica still reaches.
        using (var admin = cluster.CreateClient(0))
        using (var revoke = await admin.PostAsync($"api/keys/{active.Id}/revoke", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        await WaitUntilAsync(async () => (await CallAsync(cluster, 1, activeSecret)).Status == HttpStatusCode.Unauthorized, "replica 1 refuses the learned key once it is revoked");
    }

    /// <summary>A key as another replica would have stored it, with its secret.</summary>
    private static (Gatehouse.Keys.VirtualKey Key, string Secret) StoredKey(string name)
    {
        var secret = Gatehouse.Keys.ApiKeyGenerator.NewSecret();
        return (new Gatehouse.Keys.VirtualKey
        {
            Id = Gatehouse.Keys.ApiKeyGenerator.NewId(),
            Name = name,
            KeyHash = Gatehouse.Keys.KeyHasher.Hash(secret),
            Prefix = secret[..Gatehouse.Keys.ApiKeyGenerator.VisiblePrefixLength],
            CreatedAt = DateTimeOffset.UtcNow,
        }, secret);
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
