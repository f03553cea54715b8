using System.Globalization;
using System.Net;
using System.Text.Json;
using Gatehouse.Redis;
using Gatehouse.Tests.SharedState;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gatehouse.Tests.Redis;

/// <summary>
/// Limits shared through the one real Redis (GATEHOUSE_TEST_REDIS, a key prefix per test) by
/// several real hosts: a burst spread round-robin over every host gets exactly what one host
/// alone would give, never a replica's worth more.
/// </summary>
public sealed class SharedLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyRequestsPerMinute_BurstOverThreeHosts_ExactlyNSucceed_RestAre429InOpenAIShape()
    {
        const int N = 5;
        await using var hosts = await ReplicaSet.StartAsync(3, GatehouseServer.FastSimulatorConfig, RedisSharedStateTests.RedisArgs(RedisSharedStateTests.SharedRedis(), reloadSeconds: 1));
        var secret = await hosts.CreateKeyAsync(new { name = "rpm", requestsPerMinute = N });

        var responses = await BurstAsync(hosts, secret, 3 * N, _ => """{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(N, responses.Count(r => r.Status == HttpStatusCode.OK));
        AssertRefusedInOpenAIShape(responses, 2 * N, "requests per minute");
    }

    [Fact]
    public async Task KeyTokensPerMinute_BurstOverThreeHosts_ExactlyAsManySucceedAsTheBucketHolds()
    {
        const int N = 4;
        await using var upstream = await FakeUpstream.StartAsync();
        await using var hosts = await ReplicaSet.StartAsync(3, upstream.Config(), RedisSharedStateTests.RedisArgs(RedisSharedStateTests.SharedRedis(), reloadSeconds: 1));
        const string Body = """{"model":"fake-model","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""";

        // The estimate the limiter reserves for this body: what a fresh bucket has left after one call.
        var cost = await ReservedPerCallAsync(hosts, Body);

        // The upstream then reports exactly that usage, so settling changes nothing and the count
        // cannot depend on which settlements land before which admissions. One token over N calls:
        // the (N+1)th needs cost - 1 tokens of refill, about 60 / N seconds.
        upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, UsageAnswer(cost));
        var tokensPerMinute = (N * cost) + 1;
        var secret = await hosts.CreateKeyAsync(new { name = "tpm", tokensPerMinute });

        var responses = await BurstAsync(hosts, secret, 3 * N, _ => Body);

        Assert.Equal(N, responses.Count(r => r.Status == HttpStatusCode.OK));
        AssertRefusedInOpenAIShape(responses, 2 * N, "tokens per minute");
        Assert.All(responses, r => Assert.Equal(tokensPerMinute.ToString(CultureInfo.InvariantCulture), r.Headers["x-ratelimit-limit-tokens"]));
    }

    [Fact]
    public async Task DeploymentMaxConcurrency_OverThreeHosts_NeverMoreThanTheCapInFlight_AndSlotsComeBackOnEveryEnd()
    {
        const int Cap = 3;
        await using var upstream = await FakeUpstream.StartAsync();
        var inFlight = 0;
        var mostInFlight = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.Handler = async (context, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostInFlight, now);
            try
            {
                await release.Task.WaitAsync(context.RequestAborted);
                await FakeResponses.WriteChatCompletionAsync(context);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        };
        await using var hosts = await ReplicaSet.StartAsync(3, CappedConfig(upstream, Cap), RedisSharedStateTests.RedisArgs(RedisSharedStateTests.SharedRedis(), reloadSeconds: 1));

        // 4 calls per host at once: exactly Cap reach the upstream, every other is refused at once.
        using var cancelOne = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var clients = hosts.Hosts.Select(h => h.CreateClient()).ToArray();
        var calls = Enumerable.Range(0, 4 * hosts.Count).Select(i => SendAsync(clients[i % hosts.Count], Distinct(i), cancelOne.Token)).ToList();
        Assert.True(await ReplicaPair.EventuallyAsync(() => Task.FromResult(calls.Count(c => c.IsCompleted) == calls.Count - Cap), TimeSpan.FromSeconds(30)), "the calls over the cap were not refused");
        Assert.Equal(Cap, Volatile.Read(ref inFlight));
        Assert.All(calls.Where(c => c.IsCompleted), c => Assert.Equal(HttpStatusCode.TooManyRequests, c.Result));

        // A client that hangs up gives its slot back: cancel the waiting calls, then Cap new ones all get in.
        await cancelOne.CancelAsync();
        await Task.WhenAll(calls.Where(c => !c.IsCompleted).Select(c => c.ContinueWith(static _ => { }, TaskScheduler.Default)));
        Assert.True(await ReplicaPair.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref inFlight) == 0), TimeSpan.FromSeconds(30)));
        Assert.True(await NoLeasesAsync(hosts), "the cancelled calls' leases stayed in Redis");
        var second = Enumerable.Range(0, Cap + 2).Select(i => SendAsync(clients[i % hosts.Count], Distinct(100 + i), Ct)).ToList();
        Assert.True(await ReplicaPair.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref inFlight) == Cap && second.Count(c => c.IsCompleted) == 2), TimeSpan.FromSeconds(30)), "the slots of the cancelled calls did not come back");

        // An answered call gives its slot back too.
        release.TrySetResult();
        var answered = await Task.WhenAll(second);
        Assert.Equal(Cap, answered.Count(s => s == HttpStatusCode.OK));
        Assert.True(await NoLeasesAsync(hosts), "the answered calls' leases stayed in Redis");
        var third = await Task.WhenAll(Enumerable.Range(0, Cap).Select(i => SendAsync(clients[i % hosts.Count], Distinct(200 + i), Ct)));
        Assert.All(third, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(Cap, Volatile.Read(ref mostInFlight));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    // The lease set of the deployment "capped" is empty (it is deleted with its last lease): every slot is back.
    private static Task<bool> NoLeasesAsync(ReplicaSet hosts)
    {
        var connection = hosts[0].GetService<RedisConnection>();
        var leases = connection.Key(RedisKeys.DeploymentLimits("capped") + RedisKeys.Leases);
        return ReplicaPair.EventuallyAsync(async () => await connection.Database!.SortedSetLengthAsync(leases) == 0, TimeSpan.FromSeconds(30));
    }

    internal static string CappedConfig(FakeUpstream upstream, int maxConcurrency) => $$"""
        { "Gatehouse": {
            "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{upstream.BaseUrl}}" } },
            "Deployments": { "capped": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o", "MaxConcurrency": {{maxConcurrency}} } },
            "Models": { "narrow": { "Deployments": [ "capped" ] } } } }
        """;

    // Distinct bodies, so no two calls could ever share an upstream call.
    private static string Distinct(int i) => $$"""{"model":"narrow","messages":[{"role":"user","content":"call {{i}}"}]}""";

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string body, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), cancellationToken);
        return response.StatusCode;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var was && was != seen)
        {
            seen = was;
        }
    }

    internal sealed record Answer(HttpStatusCode Status, string Body, TimeSpan? RetryAfter, IReadOnlyDictionary<string, string> Headers, int Host);

    /// <summary>All <paramref name="calls"/> at once, call i on host i mod count, with the key <paramref name="secret"/>.</summary>
    internal static async Task<Answer[]> BurstAsync(ReplicaSet hosts, string secret, int calls, Func<int, string> body)
    {
        var clients = hosts.Hosts.Select(h => h.CreateClient(secret)).ToArray();
        try
        {
            return await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
            {
                using var response = await clients[i % clients.Length].PostAsync("v1/chat/completions", GatehouseServer.Json(body(i)), Ct);
                var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
                return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Headers.RetryAfter?.Delta, headers, i % clients.Length);
            }));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    internal static void AssertRefusedInOpenAIShape(IReadOnlyCollection<Answer> responses, int expected, string what)
    {
        var refused = responses.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToArray();
        Assert.Equal(expected, refused.Length);
        Assert.Equal(responses.Count, responses.Count(r => r.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
        Assert.All(refused, r =>
        {
            var error = JsonDocument.Parse(r.Body).RootElement.GetProperty("error");
            Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
            Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
            Assert.Contains(what, error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.True(r.RetryAfter > TimeSpan.Zero, "no Retry-After");
        });
    }

    private static async Task<int> ReservedPerCallAsync(ReplicaSet hosts, string body)
    {
        const int Large = 1_000_000;
        var secret = await hosts.CreateKeyAsync(new { name = "calibration", tokensPerMinute = Large });
        using var client = hosts[0].CreateClient(secret);
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cost = Large - int.Parse(response.Headers.GetValues("x-ratelimit-remaining-tokens").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(cost, 51, 200); // max_tokens 50 plus a short prompt
        return cost;
    }

    private static string UsageAnswer(int totalTokens) =>
        """{"id":"chatcmpl-usage","object":"chat.completion","created":1730000000,"model":"upstream-model","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":"""
        + (totalTokens - 1).ToString(CultureInfo.InvariantCulture) + ""","completion_tokens":1,"total_tokens":""" + totalTokens.ToString(CultureInfo.InvariantCulture) + "}}";
}
