using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Gatehouse.Redis;
using Gatehouse.Tests.SharedState;
using Gatehouse.Tests.Support;
using StackExchange.Redis;
using Xunit;

namespace Gatehouse.Tests.Redis;

/// <summary>
/// How many Redis commands the limits and budgets cost per admitted call, counted twice: the
/// commands the host's multiplexer sent, and the scripts a private Redis ran (<c>INFO commandstats</c>).
/// The upstream reports exactly the estimated usage, so no token settlement is needed and none may
/// be sent. A key's limits cost one script (awaited); a capped deployment one to enter (awaited)
/// and one to leave (fire-and-forget, nobody waits for it); a budget one to reserve (sent with the
/// key's limits when the key has any) and one to settle (not waited for). And how many of them a
/// call waits for, seen through a proxy that holds Redis's replies back.
/// </summary>
public sealed class LimitRoundTripTests
{
    private const int Calls = 10;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("open", true, false, 1)] // key RPM + TPM, a deployment without caps: the key script only
    [InlineData("narrow", true, false, 3)] // key RPM + TPM, a deployment with concurrency + TPM + RPM: key, enter, exit
    [InlineData("narrow", false, false, 2)] // no key limits, the capped deployment: enter, exit
    [InlineData("open", true, true, 3)] // key RPM + TPM and a budget: key and reserve (together), settle
    [InlineData("open", false, true, 2)] // a budget alone: reserve, settle
    public async Task RedisCommandsPerAdmittedCall(string model, bool keyLimits, bool budget, int expectedPerCall)
    {
        await using var redis = await RedisTestServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        await using var hosts = await ReplicaSet.StartAsync(1, Config(upstream), [.. RedisSharedStateTests.RedisArgs(redis.ConnectionString), "--Gatehouse:Redis:HeartbeatSeconds=3600"]);
        var body = Body(model);

        // The estimate of this body, from a fresh bucket's remaining tokens; then the upstream reports exactly that.
        var calibration = await hosts.CreateKeyAsync(new { name = "calibration", tokensPerMinute = 1_000_000 });
        var cost = 1_000_000 - int.Parse((await SendAsync(hosts[0], calibration, body)).GetValues("x-ratelimit-remaining-tokens").Single(), CultureInfo.InvariantCulture);
        upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, UsageAnswer(cost));
        var secret = keyLimits || budget
            ? await hosts.CreateKeyAsync(keyLimits
                ? new { name = "limited", owner = "team", requestsPerMinute = (int?)1000, tokensPerMinute = (int?)1_000_000 }
                : new { name = "limited", owner = "team", requestsPerMinute = (int?)null, tokensPerMinute = (int?)null })
            : GatehouseServer.MasterKey;
        if (budget)
        {
            await CreateOwnerBudgetAsync(hosts[0], "team");
        }

        await SendAsync(hosts[0], secret, body); // the steady state: every script this call runs is known to the server
        var multiplexer = hosts[0].GetService<RedisConnection>().Multiplexer!;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var server = admin.GetServer(redis.ConnectionString);
        Assert.True(await QuietAsync(multiplexer)); // the calibration's fire-and-forget commands answered before counting
        var sentBefore = multiplexer.OperationCount;
        var scriptsBefore = await ScriptsRunAsync(server);

        for (var i = 0; i < Calls; i++)
        {
            await SendAsync(hosts[0], secret, body);
        }

        Assert.True(
            await ReplicaPair.EventuallyAsync(async () => await ScriptsRunAsync(server) - scriptsBefore >= Calls * expectedPerCall, TimeSpan.FromSeconds(10)),
            $"Redis ran {await ScriptsRunAsync(server) - scriptsBefore} scripts for {Calls} calls");
        Assert.True(await QuietAsync(multiplexer)); // every command sent, fire-and-forget ones included, has been answered
        Assert.Equal(Calls * expectedPerCall, await ScriptsRunAsync(server) - scriptsBefore);
        Assert.Equal(Calls * expectedPerCall, multiplexer.OperationCount - sentBefore);
        TestContext.Current.SendDiagnosticMessage($"{model}, key limits {keyLimits}, budget {budget}: {expectedPerCall} Redis command(s) per call");
    }

    /// <summary>
    /// With Redis's replies held back, a call with key limits and a budget has sent both its limit
    /// script and its reservation (Redis ran both): it waits for one round trip, not two one after
    /// the other. The client's timeout is far beyond the test's bound, so no script is sent because
    /// an earlier one timed out (a timeout sends the call down the unreachable-Redis policy).
    /// </summary>
    [Fact]
    public async Task KeyLimitsAndBudget_AreOneRoundTrip()
    {
        await using var redis = await RedisTestServer.StartAsync();
        await using var proxy = CuttableTcpProxy.Start("127.0.0.1", redis.Port);
        await using var upstream = await FakeUpstream.StartAsync();
        await using var hosts = await ReplicaSet.StartAsync(1, Config(upstream), [.. RedisSharedStateTests.RedisArgs($"127.0.0.1:{proxy.Port},asyncTimeout=120000,syncTimeout=120000"), "--Gatehouse:Redis:HeartbeatSeconds=3600"]);
        var secret = await hosts.CreateKeyAsync(new { name = "limited", owner = "team", requestsPerMinute = 1000, tokensPerMinute = 1_000_000 });
        await CreateOwnerBudgetAsync(hosts[0], "team");
        await SendAsync(hosts[0], secret, Body("open")); // scripts loaded, nothing left to learn
        Assert.True(await QuietAsync(hosts[0].GetService<RedisConnection>().Multiplexer!));
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true"); // not through the proxy
        var server = admin.GetServer(redis.ConnectionString);
        var scriptsBefore = await ScriptsRunAsync(server);

        proxy.HoldReplies();
        var call = SendAsync(hosts[0], secret, Body("open"));
        var together = await ReplicaPair.EventuallyAsync(async () => await ScriptsRunAsync(server) - scriptsBefore >= 2, TimeSpan.FromSeconds(10));
        var ran = await ScriptsRunAsync(server) - scriptsBefore;
        proxy.ReleaseReplies();
        await call;

        Assert.True(together, $"Redis ran {ran} script(s) for the call while their replies were held: the call waited for its limits before reserving its budget");
        Assert.Equal(2, ran); // the call can go no further without a reply: nothing else is sent
    }

    /// <summary>
    /// The client has its whole answer while the budget's settlement is still waiting for Redis's
    /// reply; once it comes, the spend is the call's cost. The client's timeout is far beyond the
    /// test's bound, so an answer that waited for the settlement would not arrive within it.
    /// </summary>
    [Fact]
    public async Task TheAnswer_DoesNotWaitForTheBudgetSettlement()
    {
        await using var redis = await RedisTestServer.StartAsync();
        await using var proxy = CuttableTcpProxy.Start("127.0.0.1", redis.Port);
        await using var upstream = await FakeUpstream.StartAsync();
        await using var hosts = await ReplicaSet.StartAsync(1, Config(upstream), [.. RedisSharedStateTests.RedisArgs($"127.0.0.1:{proxy.Port},asyncTimeout=120000,syncTimeout=120000"), "--Gatehouse:Redis:HeartbeatSeconds=3600"]);
        var secret = await hosts.CreateKeyAsync(new { name = "budgeted", owner = "team" });
        var budgetId = await CreateOwnerBudgetAsync(hosts[0], "team");
        await SendAsync(hosts[0], secret, Body("open")); // scripts loaded, nothing left to learn
        var multiplexer = hosts[0].GetService<RedisConnection>().Multiplexer!;
        Assert.True(await QuietAsync(multiplexer));
        using var admin = hosts[0].CreateClient();
        var spentBefore = await SpentAsync(admin, budgetId);

        // The reservation has been answered when the upstream is called; everything after it is held.
        upstream.Handler = (context, _) =>
        {
            proxy.HoldReplies();
            return FakeResponses.WriteChatCompletionAsync(context, UsageAnswer(1000));
        };
        var call = SendAsync(hosts[0], secret, Body("open"));
        var answered = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30), Ct)) == call;
        var settling = Outstanding(multiplexer);
        proxy.ReleaseReplies();
        var headers = await call;

        Assert.True(answered, "the answer waited for the budget's settlement");
        Assert.Equal(1, settling); // the settlement, sent and unanswered
        var cost = decimal.Parse(headers.GetValues("x-gatehouse-cost-usd").Single(), CultureInfo.InvariantCulture);
        Assert.True(cost > 0m);
        Assert.True(await QuietAsync(multiplexer));
        var budget = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync($"api/budgets/{budgetId}", Ct)).RootElement;
        Assert.Equal(spentBefore + cost, budget.GetProperty("spentUsd").GetDecimal());
        Assert.Equal(0m, budget.GetProperty("reservedUsd").GetDecimal());
    }

    private static async Task<decimal> SpentAsync(HttpClient admin, string budgetId) =>
        System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync($"api/budgets/{budgetId}", Ct)).RootElement.GetProperty("spentUsd").GetDecimal();

    private static long Outstanding(IConnectionMultiplexer multiplexer) => multiplexer.GetCounters().TotalOutstanding;

    private static async Task<string> CreateOwnerBudgetAsync(GatehouseServer host, string owner)
    {
        using var admin = host.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/budgets", new { owner, period = "day", limitUsd = 100m }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!;
    }

    private static string Body(string model) => $$"""{"model":"{{model}}","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""";

    private static async Task<System.Net.Http.Headers.HttpResponseHeaders> SendAsync(GatehouseServer host, string secret, string body)
    {
        using var client = host.CreateClient(secret);
        var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers;
    }

    private static Task<bool> QuietAsync(IConnectionMultiplexer multiplexer) =>
        ReplicaPair.EventuallyAsync(() => Task.FromResult(multiplexer.GetCounters().TotalOutstanding == 0), TimeSpan.FromSeconds(10));

    // Scripts run (EVAL and EVALSHA), from the server's command statistics.
    private static async Task<long> ScriptsRunAsync(IServer server)
    {
        var stats = (await server.InfoAsync("commandstats")).SelectMany(group => group).ToDictionary(p => p.Key, p => p.Value);
        return Calls(stats, "cmdstat_eval") + Calls(stats, "cmdstat_evalsha");

        static long Calls(Dictionary<string, string> stats, string name) =>
            stats.TryGetValue(name, out var value) ? long.Parse(value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture) : 0;
    }

    private static string Config(FakeUpstream upstream) => $$"""
        { "Gatehouse": {
            "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{upstream.BaseUrl}}" } },
            "Deployments": {
              "free": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o" },
              "capped": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o", "MaxConcurrency": 5, "TokensPerMinute": 1000000, "RequestsPerMinute": 1000 } },
            "Models": { "open": { "Deployments": [ "free" ] }, "narrow": { "Deployments": [ "capped" ] } } } }
        """;

    private static string UsageAnswer(int totalTokens) =>
        """{"id":"chatcmpl-usage","object":"chat.completion","created":1730000000,"model":"upstream-model","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":"""
        + (totalTokens - 1).ToString(CultureInfo.InvariantCulture) + ""","completion_tokens":1,"total_tokens":""" + totalTokens.ToString(CultureInfo.InvariantCulture) + "}}";
}
