using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Gatehouse.Budgets;
using Gatehouse.Hosting;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Gatehouse.Tests.Budgets.BudgetFixture;

namespace Gatehouse.Tests.Budgets;

/// <summary>Threshold alerts to a webhook receiver on loopback: once per threshold and period, also across restarts, retried when the receiver fails.</summary>
public sealed class BudgetAlertTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private BudgetFixture _fixture = null!;
    private WebApplication _receiver = null!;
    private string _hookUrl = null!;
    private int _failuresToGo;

    public async ValueTask InitializeAsync()
    {
        _fixture = await BudgetFixture.StartAsync();
        (_receiver, var address) = await LoopbackHttpServer.StartAsync((context, request) =>
        {
            if (Interlocked.Decrement(ref _failuresToGo) >= 0)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            _received.Enqueue(request);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        _hookUrl = address + "/hooks/budget";
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.StopAsync(CancellationToken.None);
        await _receiver.DisposeAsync();
        await _fixture.DisposeAsync();
    }

    private string Config => _fixture.Config($$"""
        , "Budgets": { "WebhookUrl": "{{_hookUrl}}", "WebhookHeaders": { "X-Hook-Secret": "s3cret" } }
        """);

    [Fact]
    public async Task EachThreshold_FiresOnce_InOrder_WithTheBudgetsNumbers()
    {
        await using var server = await GatehouseServer.StartAsync(Config, configure: FixedBudgetClock);
        var (keyId, client) = await CreateKeyAsync(server, "alerting");
        var budget = await CreateBudgetAsync(server, new { name = "ten calls", keyId, period = "month", limitUsd = 10 * CallCost });
        var budgetId = budget.GetProperty("id").GetString()!;

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await CallAsync(client)).Status);
        await WaitUntilAsync(() => Task.FromResult(_received.Any(r => Threshold(r) == 100m)), "the 100% alert arrives");

        // Alerts are queued in the order they fire and sent one at a time, so a repeat of 50 or 80 would have come before 100.
        var alerts = _received.ToArray();
        Assert.Equal([50m, 80m, 100m], alerts.Select(Threshold));
        Assert.All(alerts, a =>
        {
            Assert.Equal("POST", a.Method);
            Assert.Equal("/hooks/budget", a.PathAndQuery);
            Assert.Equal("s3cret", a.Headers["X-Hook-Secret"]);
        });
        var half = JsonDocument.Parse(alerts[0].Body).RootElement;
        Assert.Equal("budget.threshold_reached", half.GetProperty("type").GetString());
        Assert.Equal(budgetId, half.GetProperty("budgetId").GetString());
        Assert.Equal("ten calls", half.GetProperty("budgetName").GetString());
        Assert.Equal("key", half.GetProperty("scope").GetString());
        Assert.Equal(keyId, half.GetProperty("subject").GetString());
        Assert.Equal("month", half.GetProperty("period").GetString());
        Assert.Equal(5 * CallCost, half.GetProperty("spentUsd").GetDecimal());
        Assert.Equal(10 * CallCost, half.GetProperty("limitUsd").GetDecimal());
        Assert.True(half.TryGetProperty("timestamp", out _));
        Assert.Equal(8 * CallCost, JsonDocument.Parse(alerts[1].Body).RootElement.GetProperty("spentUsd").GetDecimal());

        var state = await GetBudgetAsync(server, budgetId);
        Assert.Equal([50m, 80m, 100m], state.GetProperty("alertsFired").EnumerateArray().Select(t => t.GetDecimal()));
    }

    [Fact]
    public async Task FiredThreshold_IsNotFiredAgainAfterARestart()
    {
        var dataDirectory = TempDirectory.Create();
        string budgetId;
        string secret;
        await using (var server = await GatehouseServer.StartAsync(Config, dataDirectory, configure: FixedBudgetClock))
        {
            using var admin = server.CreateClient();
            using var created = await admin.PostAsync("api/keys", GatehouseServer.Json("""{"name":"restarting"}"""), Ct);
            var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
            secret = key.GetProperty("key").GetString()!;
            budgetId = (await CreateBudgetAsync(server, new { keyId = key.GetProperty("id").GetString(), period = "total", limitUsd = 10 * CallCost })).GetProperty("id").GetString()!;
            using var client = server.CreateClient(secret);
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
            }

            await WaitUntilAsync(() => Task.FromResult(!_received.IsEmpty), "the 50% alert arrives");
        }

        await using (var restarted = await GatehouseServer.StartAsync(Config, dataDirectory, configure: FixedBudgetClock))
        {
            using var client = restarted.CreateClient(secret);
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
            }

            await WaitUntilAsync(() => Task.FromResult(_received.Count >= 2), "the 80% alert arrives");
            Assert.Equal([50m, 80m], _received.Select(Threshold));
            Assert.Equal([50m, 80m], (await GetBudgetAsync(restarted, budgetId)).GetProperty("alertsFired").EnumerateArray().Select(t => t.GetDecimal()));
        }
    }

    [Fact]
    public async Task FailingReceiver_IsRetriedWithBackoff_OnTheBudgetClock()
    {
        _failuresToGo = 2;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GatehouseServer.StartAsync(Config, configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(PolicyClock.ServiceKey, clock));
        var (keyId, client) = await CreateKeyAsync(server, "retried");
        await CreateBudgetAsync(server, new { keyId, period = "total", limitUsd = 2 * CallCost, alertThresholds = new[] { 50m } });

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref _failuresToGo) == 1), "the first attempt fails");

        // Nothing more happens until the budget clock passes the backoff: 1 s before the second attempt, 5 s before the third.
        Assert.Empty(_received);
        var advanced = TimeSpan.Zero;
        await WaitUntilAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(500));
                advanced += TimeSpan.FromMilliseconds(500);
                return Task.FromResult(!_received.IsEmpty);
            },
            "the alert is delivered");
        Assert.InRange(advanced, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(20));
        Assert.Equal(50m, Threshold(Assert.Single(_received)));
    }

    private static decimal Threshold(ReceivedRequest request) => JsonDocument.Parse(request.Body).RootElement.GetProperty("threshold").GetDecimal();
}
