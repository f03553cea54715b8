using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Npgsql;
using Xunit;
using static Gatehouse.Tests.ScaleOut.ScaleOutCalls;

namespace Gatehouse.Tests.ScaleOut;

/// <summary>
/// PostgreSQL unreachable under two running replicas (the connection to it cut by a proxy; the
/// shared server stays up for the rest of the suite): calls with known keys are served, their records
/// wait in each replica's journal and queue, readiness says Degraded (never Unhealthy, which would
/// take every replica out at once), management changes are a 503, and when the database is back
/// every record and every cent of spend reaches it exactly once.
/// </summary>
[Collection(ScaleOutTestGroup.Name)]
public sealed class ScaleOutDatabaseOutageTests
{
    private const int CallsBefore = 4;
    private const int CallsDuring = 20;

    [Fact]
    public async Task WhilePostgreSqlIsUnreachable_KnownKeysAreServed_AndEveryRecordArrivesAfterwards()
    {
        await using var environment = await ScaleOutEnvironment.CreateAsync();
        await using var upstream = await StartUpstreamAsync();
        var direct = new NpgsqlConnectionStringBuilder(environment.ConnectionString);
        await using var proxy = CuttableTcpProxy.Start(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(environment.ConnectionString) { Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var cluster = await ScaleOutCluster.StartAsync(2, Config(upstream), proxied, environment.Redis, cancellationToken: Ct);
        var (id, secret) = await CreateKeyAsync(cluster, 0, new { name = "through-the-outage" });
        var budget = await CreateBudgetAsync(cluster, 0, new { name = "outage", keyId = id, period = "total", limitUsd = 100 });
        await WaitForBudgetEverywhereAsync(cluster, budget.GetProperty("id").GetString()!);
        Assert.All(await BurstAsync(cluster, secret, CallsBefore), c => Assert.Equal(HttpStatusCode.OK, c.Status));
        await WaitUntilAsync(async () => await environment.ScalarAsync<long>("SELECT COUNT(*) FROM request_records") == CallsBefore, "the first records are stored");

        await proxy.CutAsync();

        var during = await BurstAsync(cluster, secret, CallsDuring);
        Assert.All(during, c => Assert.True(c.Status == HttpStatusCode.OK, $"replica {c.Replica}: {(int)c.Status} {c.Body}"));
        for (var replica = 0; replica < cluster.Count; replica++)
        {
            using var anonymous = cluster.CreateClient(replica);
            using var ready = await anonymous.GetAsync("health/ready", Ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync(Ct));
            await WaitUntilAsync(async () => (await RecordsStateAsync(cluster, replica)) is "delayed", $"replica {replica} reports its records delayed");
        }

        // A management change cannot be stored: 503 ProblemDetails, never a 500.
        using (var admin = cluster.CreateClient(1))
        using (var create = await admin.PostAsJsonAsync("api/keys", new { name = "during-the-outage" }, TestJson.Options, Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, create.StatusCode);
            Assert.Equal("application/problem+json", create.Content.Headers.ContentType?.MediaType);
        }

        // A key this replica does not know cannot be looked up: refused as unknown, in the caller's dialect.
        var stranger = await CallAsync(cluster, 1, Gatehouse.Keys.ApiKeyGenerator.NewSecret());
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.Status);
        Assert.Equal("invalid_api_key", ErrorCode(stranger.Body));

        proxy.Restore();

        const int Total = CallsBefore + CallsDuring;
        await WaitUntilAsync(async () => await environment.ScalarAsync<long>("SELECT COUNT(*) FROM request_records") >= Total, "every record reaches PostgreSQL");
        Assert.Equal(Total, await environment.ScalarAsync<long>("SELECT COUNT(DISTINCT id) FROM request_records"));
        Assert.Equal(Total, await environment.ScalarAsync<long>("SELECT COUNT(*) FROM request_records"));
        var recordCost = await environment.ScalarAsync<long>("SELECT SUM(cost_pusd) FROM request_records");
        Assert.True(recordCost > 0);
        await WaitUntilAsync(async () => await environment.ScalarAsync<long>("SELECT COALESCE(SUM(spent_pusd), 0) FROM budget_spend") == recordCost, "the budget's stored spend equals its records");
        for (var replica = 0; replica < cluster.Count; replica++)
        {
            await WaitUntilAsync(async () => (await RecordsStateAsync(cluster, replica)) is "ok", $"replica {replica} reports its records ok again");
            using var anonymous = cluster.CreateClient(replica);
            await WaitUntilAsync(async () => await anonymous.GetStringAsync("health/ready", Ct) == "Healthy", $"replica {replica} is ready again");
        }
    }

    private static async Task<string?> RecordsStateAsync(ScaleOutCluster cluster, int replica)
    {
        using var admin = cluster.CreateClient(replica);
        using var response = await admin.GetAsync("api/status", Ct);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return status.RootElement.GetProperty("records").GetProperty("state").GetString();
    }
}
