using System.Net;
using System.Text.Json;
using Gatehouse.Executions;
using Gatehouse.Records;
using Gatehouse.Tests.Support;
using Xunit;
using static Gatehouse.Tests.Executions.ExecutionFixture;

namespace Gatehouse.Tests.Analytics;

/// <summary><c>/api/analytics</c> checked against the executions and request records that produced its numbers.</summary>
public sealed class AnalyticsTests
{
    private static string Range(DateTimeOffset from, DateTimeOffset to, string groupBy = "hour") =>
        $"api/analytics?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&groupBy={groupBy}";

    /// <summary>The nearest-rank percentile, computed the obvious way.</summary>
    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Ceiling(p * sorted.Length) - 1];
    }

    /// <summary>Buckets start on whole UTC hours or days, from the one holding <paramref name="from"/> to the last starting before <paramref name="to"/>.</summary>
    private static int BucketCount(DateTimeOffset from, DateTimeOffset to, TimeSpan width)
    {
        var first = new DateTimeOffset(from.UtcTicks / width.Ticks * width.Ticks, TimeSpan.Zero);
        return (int)Math.Ceiling((to - first) / width);
    }

    private static decimal Usd(JsonElement element, string name) => element.GetProperty(name).GetDecimal();

    [Fact]
    public async Task Numbers_MatchTheExecutionsAndRecordsThatProducedThem()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (context, received) => received.Body.Contains("broken please", StringComparison.Ordinal)
            ? FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"down","type":"server_error"}}""", 500)
            : AnswerAsync(context, received.Body.Contains("invalid please", StringComparison.Ordinal) ? "no json here" : ValidReview, promptTokens: 1000, completionTokens: 200);
        await using var server = await GatehouseServer.StartAsync(upstream.Config("fake-model", extra: """, "Cache": { "Enabled": true } """));
        var engine = server.GetService<ExecutionEngine>();
        var admin = Admin(server);
        var executions = new List<Execution>();
        async Task RunAsync(string prompt, string question) =>
            executions.Add(await engine.ExecuteAsync(Request(admin, ReviewCall("fake-model", question: question), prompt), cancellationToken: Ct));

        // Alpha three times with one question: one miss, then two cache hits that cost nothing.
        await RunAsync("prm_alpha", "same question");
        await RunAsync("prm_alpha", "same question");
        await RunAsync("prm_alpha", "same question");
        await RunAsync("prm_beta", "invalid please");
        await RunAsync("prm_beta", "broken please");
        var records = await server.WaitForRecordsAsync(5);
        Assert.Equal(5, records.Count);

        using var client = server.CreateClient();
        var from = executions[0].CreatedAt.AddHours(-1);
        var to = executions[^1].CompletedAt.AddHours(1);
        var report = await GetJsonAsync(client, Range(from, to));

        var e = report.GetProperty("executions");
        Assert.Equal(5, e.GetProperty("total").GetInt64());
        Assert.Equal(executions.Count(x => x.Status == "completed"), e.GetProperty("succeeded").GetInt64());
        Assert.Equal(3, e.GetProperty("succeeded").GetInt64());
        Assert.Equal(2, e.GetProperty("failed").GetInt64());
        Assert.Equal(1, e.GetProperty("validationFailed").GetInt64());
        Assert.Equal(0.6, e.GetProperty("successRate").GetDouble(), 9);
        var cost = e.GetProperty("cost");
        Assert.Equal(executions.Sum(x => x.CostUsd), Usd(cost, "totalUsd"));
        Assert.True(Usd(cost, "totalUsd") > 0);
        Assert.Equal(executions.Sum(x => x.CostUsd) / 5, Usd(cost, "averageUsd"));
        var byModel = Assert.Single(cost.GetProperty("byModel").EnumerateArray());
        Assert.Equal("fake-model", byModel.GetProperty("model").GetString());
        var byPrompt = cost.GetProperty("byPrompt").EnumerateArray().ToDictionary(p => p.GetProperty("promptId").GetString()!, p => Usd(p, "costUsd"));
        Assert.Equal(executions.Where(x => x.PromptId == "prm_alpha").Sum(x => x.CostUsd), byPrompt["prm_alpha"]);
        Assert.Equal(executions.Where(x => x.PromptId == "prm_beta").Sum(x => x.CostUsd), byPrompt["prm_beta"]);
        var top = e.GetProperty("topPrompts")[0];
        Assert.Equal("prm_alpha", top.GetProperty("promptId").GetString());
        Assert.Equal(3, top.GetProperty("executions").GetInt64());
        Assert.Equal(1.0, top.GetProperty("successRate").GetDouble());
        var tokens = e.GetProperty("tokens");
        Assert.Equal(executions.Sum(x => x.InputTokens + x.OutputTokens), tokens.GetProperty("total").GetInt64());
        Assert.Equal(2400, tokens.GetProperty("total").GetInt64()); // the miss and the invalid answer; hits and the failure used none
        Assert.Equal(2400 / 5.0, tokens.GetProperty("average").GetDouble(), 9);
        var latency = e.GetProperty("latencyMs");
        Assert.Equal(Percentile(executions.Select(x => x.LatencyMs), 0.50), latency.GetProperty("p50").GetDouble(), 6);
        Assert.Equal(Percentile(executions.Select(x => x.LatencyMs), 0.95), latency.GetProperty("p95").GetDouble(), 6);
        Assert.Equal(executions.Max(x => x.LatencyMs), latency.GetProperty("p99").GetDouble(), 6);
        var hits = executions.Count(x => x.CacheStatus is "hit" or "coalesced");
        Assert.Equal(2, hits);
        Assert.Equal((double)hits / executions.Count(x => x.CacheStatus is not null), e.GetProperty("cacheHitRate").GetDouble(), 9);
        var buckets = e.GetProperty("buckets").EnumerateArray().ToList();
        Assert.True(buckets.Count >= 2);
        Assert.Equal(5, buckets.Sum(b => b.GetProperty("total").GetInt64()));
        Assert.Equal(executions.Sum(x => x.CostUsd), buckets.Sum(b => Usd(b, "costUsd")));
        Assert.All(buckets, b => Assert.Equal(0, b.GetProperty("start").GetDateTimeOffset().Minute));

        // The same numbers over the raw requests: one record per model call.
        var r = report.GetProperty("requests");
        Assert.Equal(records.Count, r.GetProperty("total").GetInt64());
        Assert.Equal(records.Count(x => x.StatusCode < 400 && x.ErrorClass is null), r.GetProperty("succeeded").GetInt64());
        Assert.Equal(1, r.GetProperty("failed").GetInt64());
        Assert.Equal(records.Sum(x => x.CostUsd), Usd(r.GetProperty("cost"), "totalUsd"));
        Assert.Equal(executions.Sum(x => x.CostUsd), Usd(r.GetProperty("cost"), "totalUsd"));
        Assert.Equal(records.Sum(x => x.InputTokens + x.OutputTokens), r.GetProperty("tokens").GetProperty("total").GetInt64());
        Assert.Equal(Percentile(records.Select(x => x.LatencyMs), 0.50), r.GetProperty("latencyMs").GetProperty("p50").GetDouble(), 6);
        Assert.Equal(records.Max(x => x.LatencyMs), r.GetProperty("latencyMs").GetProperty("p99").GetDouble(), 6);
        Assert.Equal(2.0 / records.Count(x => x.CacheStatus is not null), r.GetProperty("cacheHitRate").GetDouble(), 9);
        Assert.False(r.TryGetProperty("topPrompts", out _));

        // A range that holds none of them counts nothing.
        var empty = await GetJsonAsync(client, Range(to, to.AddHours(2)));
        Assert.Equal(0, empty.GetProperty("executions").GetProperty("total").GetInt64());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("executions").GetProperty("successRate").ValueKind);
        Assert.Equal(BucketCount(to, to.AddHours(2), TimeSpan.FromHours(1)), empty.GetProperty("requests").GetProperty("buckets").GetArrayLength());
    }

    [Fact]
    public async Task AKey_CountsOnlyItsOwnersExecutionsAndRequests()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var engine = server.GetService<ExecutionEngine>();
        var (_, alice, aliceClient) = await CreateKeyAsync(server, "alice", "team-a");
        var (_, bob, bobClient) = await CreateKeyAsync(server, "bob", "team-b");
        var ofAlice = await engine.ExecuteAsync(Request(alice, ReviewCall(question: "alice")), cancellationToken: Ct);
        await engine.ExecuteAsync(Request(bob, ReviewCall(question: "bob")), cancellationToken: Ct);
        await engine.ExecuteAsync(Request(bob, ReviewCall(question: "bob again")), cancellationToken: Ct);
        await engine.ExecuteAsync(Request(Admin(server), ReviewCall(question: "admin")), cancellationToken: Ct);
        await server.WaitForRecordsAsync(4);
        var range = Range(ofAlice.CreatedAt.AddDays(-1), ofAlice.CreatedAt.AddDays(1), "day");

        var ofAliceReport = await GetJsonAsync(aliceClient, range);
        Assert.Equal(1, ofAliceReport.GetProperty("executions").GetProperty("total").GetInt64());
        Assert.Equal(1, ofAliceReport.GetProperty("requests").GetProperty("total").GetInt64());
        Assert.Equal(ofAlice.CostUsd, Usd(ofAliceReport.GetProperty("executions").GetProperty("cost"), "totalUsd"));
        Assert.Equal(2, (await GetJsonAsync(bobClient, range)).GetProperty("requests").GetProperty("total").GetInt64());
        using var admin = server.CreateClient();
        var all = await GetJsonAsync(admin, range);
        Assert.Equal(4, all.GetProperty("executions").GetProperty("total").GetInt64());
        Assert.Equal(4, all.GetProperty("requests").GetProperty("total").GetInt64());
        Assert.Equal(BucketCount(ofAlice.CreatedAt.AddDays(-1), ofAlice.CreatedAt.AddDays(1), TimeSpan.FromDays(1)), all.GetProperty("executions").GetProperty("buckets").GetArrayLength());
        Assert.Equal(4, all.GetProperty("executions").GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("total").GetInt64()));
    }

    [Theory]
    [InlineData("groupBy=week")]
    [InlineData("from=2026-03-10T00:00:00Z&to=2026-03-09T00:00:00Z")]
    [InlineData("from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&groupBy=hour")]
    public async Task BadRanges_AreValidationProblems(string parameters)
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient();

        using var response = await client.GetAsync("api/analytics?" + parameters, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task RangesAtTheEdgesOfTheCalendar_AreAnsweredOrRefused_NeverA500()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient();
        string[] ranges =
        [
            "to=0001-01-01T00:00:00Z",                                 // the default 'from' (a day before) would underflow
            "to=0001-01-01T06:00:00Z",
            "from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z",
            "from=9999-12-31T23:59:59Z",                               // after the default 'to' (now)
            "to=9999-12-31T23:59:59.9999999Z",
            "from=9999-12-31T00:00:00Z&to=9999-12-31T23:59:59.9999999Z",
            "from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.9999999Z&groupBy=day",
            "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",       // from after to
            "from=0001-01-01T00:00:00%2B01:00",                        // before the calendar in UTC
            "to=99999",
        ];

        foreach (var range in ranges)
        {
            using var response = await client.GetAsync("api/analytics?" + range, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{range}: {(int)response.StatusCode} {text}");
            using var json = JsonDocument.Parse(text);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal(0, json.RootElement.GetProperty("requests").GetProperty("total").GetInt64());
            }
            else
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }
}
