using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Tests.Support;
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
}
