using System.Net;
using Gatehouse.Redis;
using Gatehouse.Tests.Support;
using Xunit;
using static Gatehouse.Tests.Support.ReplicaPair;

namespace Gatehouse.Tests.SharedState;

/// <summary>
/// A private Redis killed and restarted under two replicas: notices are lost while it is down, the
/// periodic reload still converges, and when it returns each replica subscribes again and reloads
/// everything (what changed meanwhile applies without waiting for the timer).
/// </summary>
public sealed class RedisOutageTests
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task RevokeAsync(GatehouseServer server, string id)
    {
        using var admin = server.CreateClient();
        using var revoked = await admin.DeleteAsync($"api/keys/{id}", Ct);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
    }

    private static Task<bool> ConnectedAsync(GatehouseServer server, bool connected) =>
        EventuallyAsync(() => Task.FromResult(server.GetService<RedisConnection>().IsConnected == connected), Reconnect);

    [Fact]
    public async Task RedisKilled_PeriodicReloadStillConverges()
    {
        await using var redis = await RedisTestServer.StartAsync();
        await using var pair = await StartAsync(RedisSharedStateTests.RedisArgs(redis.ConnectionString + ",connectTimeout=500", reloadSeconds: 1));
        var (id, secret) = await CreateKeyAsync(pair.A, "app");
        Assert.True(await EventuallyAsync(async () => await KeyStatusAsync(pair.B, secret) == HttpStatusCode.OK, TimeSpan.FromSeconds(1)));

        await redis.StopAsync();
        Assert.True(await ConnectedAsync(pair.B, connected: false));
        await RevokeAsync(pair.A, id);
        Assert.True(await EventuallyAsync(async () => await KeyStatusAsync(pair.B, secret) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(15)), "B never applied the revocation while Redis was down");
    }

    [Fact]
    public async Task RedisBack_ReplicasResubscribe_AndReloadWhatChangedMeanwhile()
    {
        await using var redis = await RedisTestServer.StartAsync();
        await using var pair = await StartAsync(RedisSharedStateTests.RedisArgs(redis.ConnectionString + ",connectTimeout=500", reloadSeconds: 0));
        var (first, firstSecret) = await CreateKeyAsync(pair.A, "first");
        var (second, secondSecret) = await CreateKeyAsync(pair.A, "second");
        // A precondition, not the promise under test (that one has its own tests): a loaded machine gets 10 s.
        Assert.True(await EventuallyAsync(async () => await KeyStatusAsync(pair.B, secondSecret) == HttpStatusCode.OK, TimeSpan.FromSeconds(10)), "B never learned the new key");

        await redis.StopAsync();
        Assert.True(await ConnectedAsync(pair.A, connected: false));
        Assert.True(await ConnectedAsync(pair.B, connected: false));
        await RevokeAsync(pair.A, first);
        Assert.Equal(HttpStatusCode.Unauthorized, await KeyStatusAsync(pair.A, firstSecret));
        Assert.Equal(HttpStatusCode.OK, await KeyStatusAsync(pair.B, firstSecret)); // the notice was lost, and no timer runs

        await redis.StartAgainAsync();
        Assert.True(await ConnectedAsync(pair.A, connected: true));
        Assert.True(await ConnectedAsync(pair.B, connected: true));
        Assert.True(await EventuallyAsync(async () => await KeyStatusAsync(pair.B, firstSecret) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5)), "B did not reload after Redis came back");

        // Subscribed again: a new notice arrives as before.
        await RevokeAsync(pair.A, second);
        Assert.True(await EventuallyAsync(async () => await KeyStatusAsync(pair.B, secondSecret) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1)), "B did not get notices after Redis came back");
    }
}
