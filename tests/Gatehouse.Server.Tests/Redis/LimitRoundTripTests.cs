using System.Globalization;
using System.Net;
using Gatehouse.Redis;
using Gatehouse.Tests.SharedState;
using Gatehouse.Tests.Support;
using StackExchange.Redis;
using Xunit;

namespace Gatehouse.Tests.Redis;

/// <summary>
/// How many Redis commands the limits cost per admitted call, counted twice: the commands the
/// host's multiplexer sent, and the scripts a private Redis ran (<c>INFO commandstats</c>). The
/// upstream reports exactly the estimated usage, so no settlement is needed and none may be sent.
/// A key's limits cost one script (awaited); a capped deployment one to enter (awaited) and one to
/// leave (fire-and-forget, nobody waits for it).
/// </summary>
public sealed class LimitRoundTripTests
{
    private const int Calls = 10;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("open", true, 1)] // key RPM + TPM, a deployment without caps: the key script only
    [InlineData("narrow", true, 3)] // key RPM + TPM, a deployment with concurrency + TPM + RPM: key, enter, exit
    [InlineData("narrow", false, 2)] // no key limits, the capped deployment: enter, exit
    public async Task RedisCommandsPerAdmittedCall(string model, bool keyLimits, int expectedPerCall)
    {
        await using var redis = await RedisTestServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        await using var hosts = await ReplicaSet.StartAsync(1, Config(upstream), [.. RedisSharedStateTests.RedisArgs(redis.ConnectionString), "--Gatehouse:Redis:HeartbeatSeconds=3600"]);
        var body = $$"""{"model":"{{model}}","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""";

        // The estimate of this body, from a fresh bucket's remaining tokens; then the upstream reports exactly that.
        var calibration = await hosts.CreateKeyAsync(new { name = "calibration", tokensPerMinute = 1_000_000 });
        var cost = 1_000_000 - int.Parse((await SendAsync(hosts[0], calibration, body)).GetValues("x-ratelimit-remaining-tokens").Single(), CultureInfo.InvariantCulture);
        upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, UsageAnswer(cost));
        var secret = keyLimits ? await hosts.CreateKeyAsync(new { name = "limited", requestsPerMinute = 1000, tokensPerMinute = 1_000_000 }) : GatehouseServer.MasterKey;

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
        TestContext.Current.SendDiagnosticMessage($"{model}, key limits {keyLimits}: {expectedPerCall} Redis command(s) per call");
    }

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
