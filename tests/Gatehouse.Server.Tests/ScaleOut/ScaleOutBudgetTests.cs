using System.Net;
using Gatehouse.Tests.Budgets;
using Gatehouse.Tests.Support;
using Xunit;
using static Gatehouse.Tests.ScaleOut.ScaleOutCalls;

namespace Gatehouse.Tests.ScaleOut;

/// <summary>
/// N replicas can never spend N times a budget: reservations are atomic in Redis across replicas, and
/// the spend is durable in PostgreSQL, so it survives a restart of every replica and of Redis itself.
/// </summary>
[Collection(ScaleOutTestGroup.Name)]
public sealed class ScaleOutBudgetTests
{
    [Fact]
    public async Task TwoHundredCallsOverThreeReplicas_BudgetAffordsFifty_ExactlyFiftyServed_SpendEqualsTheRecords_AfterARestartOfEverything()
    {
        await using var redis = await RedisTestServer.StartAsync();
        await using var environment = await ScaleOutEnvironment.CreateAsync(redis.ConnectionString);
        await using var upstream = await StartUpstreamAsync();
        await using var cluster = await environment.StartClusterAsync(3, Config(upstream));
        var (keyId, secret) = await CreateKeyAsync(cluster, 0, new { name = "budgeted" });
        var budgetId = (await CreateBudgetAsync(cluster, 1, new { name = "burst", keyId, period = "total", limitUsd = 50 * BudgetFixture.CallCost })).GetProperty("id").GetString()!;
        await WaitForBudgetEverywhereAsync(cluster, budgetId);

        var calls = await BurstAsync(cluster, secret, 200);

        Assert.Equal(50, calls.Count(c => c.Status == HttpStatusCode.OK));
        var refused = calls.Where(c => c.Status != HttpStatusCode.OK).ToArray();
        Assert.Equal(150, refused.Length);
        Assert.All(refused, c =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, c.Status);
            Assert.Equal("budget_exceeded", ErrorCode(c.Body));
        });
        Assert.Equal(50, upstream.Received.Count);

        // Every replica agrees on the spend, and it is the sum of the records.
        var records = await WaitForRecordsAsync(cluster, 0, 200);
        var recordedCost = records.Sum(r => r.GetProperty("costUsd").GetDecimal());
        Assert.Equal(50 * BudgetFixture.CallCost, recordedCost);
        for (var replica = 0; replica < 3; replica++)
        {
            var index = replica;
            await WaitUntilAsync(async () => (await GetBudgetAsync(cluster, index, budgetId)).GetProperty("reservedUsd").GetDecimal() == 0m, $"replica {index} sees the budget settled");
            Assert.Equal(recordedCost, (await GetBudgetAsync(cluster, replica, budgetId)).GetProperty("spentUsd").GetDecimal());
        }

        // Everything restarts: the replicas (gracefully) and Redis (empty, as after a crash). The spend is still there.
        for (var replica = 0; replica < 3; replica++)
        {
            await cluster.StopAsync(replica);
        }

        await redis.StopAsync();
        await redis.StartAgainAsync();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.StartReplicaAsync(i, Ct)));

        for (var replica = 0; replica < 3; replica++)
        {
            Assert.Equal(50 * BudgetFixture.CallCost, (await GetBudgetAsync(cluster, replica, budgetId)).GetProperty("spentUsd").GetDecimal());
            var after = await CallAsync(cluster, replica, secret);
            Assert.Equal(HttpStatusCode.TooManyRequests, after.Status);
            Assert.Equal("budget_exceeded", ErrorCode(after.Body));
        }

        Assert.Equal(50, upstream.Received.Count);
    }
}
