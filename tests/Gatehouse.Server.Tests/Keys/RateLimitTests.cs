using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Hosting;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Keys;

public sealed class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyLimitedToNPerMinute_GetsExactlyNSuccessesInABurst_RestAre429WithHeaders()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/keys", new { name = "limited", requestsPerMinute = 5 }, TestJson.Options, Ct);
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(5, key.GetProperty("requestsPerMinute").GetInt32());
        using var client = server.CreateClient(key.GetProperty("key").GetString());

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct);
            return (response.StatusCode,
                Body: await response.Content.ReadAsStringAsync(Ct),
                RetryAfter: response.Headers.RetryAfter?.Delta,
                Limit: response.Headers.GetValues("x-ratelimit-limit-requests").Single());
        }));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        Assert.Equal(7, refused.Length);
        Assert.All(refused, r =>
        {
            Assert.Equal("rate_limit_exceeded", JsonDocument.Parse(r.Body).RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.True(r.RetryAfter > TimeSpan.Zero);
        });
        Assert.All(responses, r => Assert.Equal("5", r.Limit));

        var records = await server.WaitForRecordsAsync(12);
        Assert.Equal(7, records.Count(r => r.StatusCode == 429 && r.ErrorClass == "rate_limit_exceeded"));

        // The master key and unlimited keys are not limited.
        using var master = server.CreateClient();
        using var ok = await master.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task InvalidLimit_IsValidationProblem()
    {
        await using var server = await GatehouseServer.StartAsync();
        using var admin = server.CreateClient();
        using var response = await admin.PostAsJsonAsync("api/keys", new { name = "bad", requestsPerMinute = 0 }, TestJson.Options, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors").TryGetProperty("requestsPerMinute", out _));
    }

    [Fact]
    public async Task KeyTokensPerMinute_ReservesPromptPlusMaxTokens_AndRefusesWhatDoesNotFit()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var client = await KeyClientAsync(server, new { name = "tpm", tokensPerMinute = 100 });
        const string Body = """{"model":"sim-small","max_tokens":60,"messages":[{"role":"user","content":"hi"}]}""";

        using var first = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body), Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("100", first.Headers.GetValues("x-ratelimit-limit-tokens").Single());

        using var second = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Contains("tokens per minute", await second.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyTokensPerMinute_SettlesTheRealUsage()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var client = await KeyClientAsync(server, new { name = "tpm-settle", tokensPerMinute = 5000 });
        const string Body = """{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}""";

        // No max_tokens: the estimate is the prompt only, but the answer uses more; the overrun is charged after the call.
        using var first = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body), Ct);
        var used = int.Parse(first.Headers.GetValues("x-gatehouse-input-tokens").Single(), System.Globalization.CultureInfo.InvariantCulture)
            + int.Parse(first.Headers.GetValues("x-gatehouse-output-tokens").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var afterFirst = int.Parse(first.Headers.GetValues("x-ratelimit-remaining-tokens").Single(), System.Globalization.CultureInfo.InvariantCulture);

        using var second = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body), Ct);
        var afterSecond = int.Parse(second.Headers.GetValues("x-ratelimit-remaining-tokens").Single(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(used > 50, $"the simulator answered with {used} tokens");
        // Settled: the second call finds the first one's whole usage gone (its own estimate is ~10 tokens,
        // and the bucket refills ~83 a second while the calls are milliseconds apart). Without settlement
        // only the first call's ~10-token estimate would be gone.
        Assert.True(afterSecond <= afterFirst - used + 30, $"remaining {afterFirst} then {afterSecond} after a call of {used} tokens");
    }

    [Fact]
    public async Task KeyTokensPerMinute_GivesBackAnOverestimate()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var client = await KeyClientAsync(server, new { name = "tpm-refund", tokensPerMinute = 1000 });

        // Each call reserves ~608 (prompt + max_tokens) and the simulator answers with at most ~250:
        // only because the first call's unused reservation comes back does the second one fit.
        const string Body = """{"model":"sim-small","max_tokens":600,"messages":[{"role":"user","content":"hi"}]}""";
        using var first = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body), Ct);
        using var second = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Theory]
    [InlineData("max_tokens", "2147483647")]
    [InlineData("max_completion_tokens", "2147483647")]
    [InlineData("max_tokens", "1e12")]
    [InlineData("max_tokens", "99999999999999999999")]
    public async Task KeyTokensPerMinute_MaxTokensAtOrBeyondIntMax_IsRefusedNotWrappedOrIgnored(string field, string value)
    {
        // The limiter's clock stands still: nothing refills between the calls.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GatehouseServer.StartAsync(
            GatehouseServer.FastSimulatorConfig, configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(PolicyClock.ServiceKey, clock));
        var client = await KeyClientAsync(server, new { name = "tpm-overflow", tokensPerMinute = 100 });

        // A small call first: a call larger than a whole minute may still go alone into a full bucket.
        using (var small = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        }

        // Prompt + 2147483647 wrapped to a negative estimate (nothing reserved: all nine went through),
        // and a max_tokens beyond int was read as none (the prompt alone reserved).
        var body = $$"""{"model":"sim-small","{{field}}":{{value}},"messages":[{"role":"user","content":"hi"}]}""";
        for (var i = 0; i < 9; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("rate_limit_exceeded", JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error").GetProperty("code").GetString());
        }
    }

    private static async Task<HttpClient> KeyClientAsync(GatehouseServer server, object key)
    {
        using var admin = server.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/keys", key, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return server.CreateClient(JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("key").GetString());
    }
}
