using System.Net;
using Gatehouse.Tests.Budgets;
using Xunit;
using static Gatehouse.Tests.ScaleOut.ScaleOutCalls;

namespace Gatehouse.Tests.ScaleOut;

/// <summary>
/// A key's limits hold across the replicas behind a load balancer, not per replica: three real
/// Gatehouse processes on one PostgreSQL and one Redis, a burst spread over all of them.
/// </summary>
[Collection(ScaleOutTestGroup.Name)]
public sealed class ScaleOutLimitTests
{
    [Fact]
    public async Task RequestsPerMinute_ABurstOverThreeReplicas_GetsExactlyTheCap()
    {
        await using var environment = await ScaleOutEnvironment.CreateAsync();
        await using var upstream = await StartUpstreamAsync();
        await using var cluster = await environment.StartClusterAsync(3, Config(upstream));
        var (_, secret) = await CreateKeyAsync(cluster, 0, new { name = "rpm", requestsPerMinute = 30 });

        var calls = await BurstAsync(cluster, secret, 90);

        Assert.Equal(30, calls.Count(c => c.Status == HttpStatusCode.OK));
        var refused = calls.Where(c => c.Status != HttpStatusCode.OK).ToArray();
        Assert.All(refused, c =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, c.Status);
            Assert.Equal("rate_limit_exceeded", ErrorCode(c.Body));
        });

        // Every replica took part in the burst, so the cap was shared and not merely met by one of them.
        Assert.All(Enumerable.Range(0, 3), r => Assert.Equal(30, calls.Count(c => c.Replica == r)));
        Assert.Equal(30, upstream.Received.Count);
    }

    [Fact]
    public async Task TokensPerMinute_ABurstOverThreeReplicas_AdmitsExactlyWhatTheCapHolds()
    {
        await using var environment = await ScaleOutEnvironment.CreateAsync();
        await using var upstream = await StartUpstreamAsync();
        await using var cluster = await environment.StartClusterAsync(3, Config(upstream));

        // Each call reserves its prompt and max_tokens, and the upstream uses exactly that: ten calls fill the minute.
        var perCall = BudgetFixture.PromptTokens + BudgetFixture.MaxTokens;
        var (_, secret) = await CreateKeyAsync(cluster, 0, new { name = "tpm", tokensPerMinute = 10 * perCall });

        var calls = await BurstAsync(cluster, secret, 30);

        Assert.Equal(10, calls.Count(c => c.Status == HttpStatusCode.OK));
        Assert.All(calls.Where(c => c.Status != HttpStatusCode.OK), c =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, c.Status);
            Assert.Equal("rate_limit_exceeded", ErrorCode(c.Body));
        });
        Assert.Equal(10, upstream.Received.Count);
    }
}
