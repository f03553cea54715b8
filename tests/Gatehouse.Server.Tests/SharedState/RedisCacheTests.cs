using System.Net;
using Gatehouse.Redis;
using Gatehouse.Tests.Support;
using Xunit;
using static Gatehouse.Tests.Support.ReplicaPair;

namespace Gatehouse.Tests.SharedState;

/// <summary>
/// The response cache's second level on Redis: an answer stored through A is a hit on B; a purge
/// through A clears B's own copy too; with Redis gone the cache works from memory and no call fails.
/// </summary>
public sealed class RedisCacheTests : IAsyncLifetime
{
    private const string Request = """{"model":"cached","messages":[{"role":"user","content":"Summarise the news."}]}""";

    private FakeUpstream _upstream = null!;
    private int _upstreamCalls;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _upstream.Handler = (context, _) =>
        {
            Interlocked.Increment(ref _upstreamCalls);
            return FakeResponses.WriteChatCompletionAsync(context);
        };
    }

    public async ValueTask DisposeAsync() => await _upstream.DisposeAsync();

    private string Config => $$"""
        { "Gatehouse": {
            "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{_upstream.BaseUrl}}" } },
            "Deployments": { "primary": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o" } },
            "Models": { "cached": { "Deployments": [ "primary" ], "Cache": { "Enabled": true } } } } }
        """;

    private static async Task<string> CallAsync(GatehouseServer server)
    {
        using var client = server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Request), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("x-gatehouse-cache-status").Single();
    }

    /// <summary>Waits until an entry is in Redis under the cache's prefix (the second-level write follows the answer).</summary>
    private static Task<bool> StoredInRedisAsync(GatehouseServer server)
    {
        var connection = server.GetService<RedisConnection>();
        var redis = connection.Multiplexer!;
        var endpoint = redis.GetEndPoints().Single();
        return EventuallyAsync(
            () => Task.FromResult(redis.GetServer(endpoint).Keys(pattern: connection.KeyPrefix + RedisKeys.Cache + "*").Any()),
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AnswerStoredThroughA_IsAHitOnB_AndAPurgeThroughA_ClearsB()
    {
        await using var pair = await StartAsync(RedisSharedStateTests.RedisArgs(RedisSharedStateTests.SharedRedis()), Config);
        Assert.Equal("miss", await CallAsync(pair.A));
        Assert.True(await StoredInRedisAsync(pair.A));

        Assert.Equal("hit", await CallAsync(pair.B));
        Assert.Equal("hit", await CallAsync(pair.B)); // now from B's own memory as well
        Assert.Equal(1, _upstreamCalls);

        using var admin = pair.A.CreateClient();
        using (var purged = await admin.DeleteAsync("api/cache", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, purged.StatusCode);
        }

        Assert.True(await EventuallyAsync(async () => await CallAsync(pair.B) == "miss", TimeSpan.FromSeconds(1)), "B still answered from its copy after the purge");
        Assert.Equal(2, _upstreamCalls);
    }

    [Fact]
    public async Task RedisDown_TheCacheWorksFromMemory_AndNoCallFails()
    {
        await using var redis = await RedisTestServer.StartAsync();
        await using var pair = await StartAsync(RedisSharedStateTests.RedisArgs(redis.ConnectionString + ",connectTimeout=500"), Config);
        await redis.StopAsync();
        Assert.True(await EventuallyAsync(() => Task.FromResult(!pair.A.GetService<RedisConnection>().IsConnected), TimeSpan.FromSeconds(10)));

        Assert.Equal("miss", await CallAsync(pair.A));
        Assert.Equal("hit", await CallAsync(pair.A));
        Assert.Equal("miss", await CallAsync(pair.B)); // no shared level: B calls upstream itself
        Assert.Equal(2, _upstreamCalls);

        // A purge while the bus is down still purges where it was sent.
        using var admin = pair.A.CreateClient();
        using (var purged = await admin.DeleteAsync("api/cache", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, purged.StatusCode);
        }

        Assert.Equal("miss", await CallAsync(pair.A));
    }
}
