using System.Net;
using System.Text.Json;
using Gatehouse.Storage;
using Gatehouse.Tests.Support;
using Gatehouse.Usage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Gatehouse.Tests.Budgets.BudgetFixture;

namespace Gatehouse.Tests.Budgets;

/// <summary>Budgets on real servers: reservation at admission, settlement at the end, over budget a 429 that names the budget.</summary>
public sealed class BudgetAdmissionTests : IAsyncLifetime
{
    private BudgetFixture _fixture = null!;

    public async ValueTask InitializeAsync() => _fixture = await BudgetFixture.StartAsync();

    public async ValueTask DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task TwoHundredConcurrentCalls_BudgetAffordsFifty_ExactlyFiftyServed_SpendEqualsTheRecords()
    {
        await using var server = await GatehouseServer.StartAsync(_fixture.Config(), configure: FixedBudgetClock);
        var (keyId, client) = await CreateKeyAsync(server, "burst");
        var budget = await CreateBudgetAsync(server, new { name = "burst-total", keyId, period = "total", limitUsd = 50 * CallCost });
        var budgetId = budget.GetProperty("id").GetString()!;

        var calls = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => CallAsync(client)));

        Assert.Equal(50, calls.Count(c => c.Status == HttpStatusCode.OK));
        var refused = calls.Where(c => c.Status == HttpStatusCode.TooManyRequests).ToArray();
        Assert.Equal(150, refused.Length);
        Assert.All(refused, c =>
        {
            var error = JsonDocument.Parse(c.Body).RootElement.GetProperty("error");
            Assert.Equal("budget_exceeded", error.GetProperty("code").GetString());
            Assert.Equal("insufficient_quota", error.GetProperty("type").GetString());
            var message = error.GetProperty("message").GetString()!;
            Assert.Contains($"'burst-total' ({budgetId})", message, StringComparison.Ordinal);
            Assert.Contains($"key '{keyId}'", message, StringComparison.Ordinal);
            Assert.Contains("period total", message, StringComparison.Ordinal);
            Assert.Null(c.Response.Headers.RetryAfter);
        });
        Assert.Equal(50, _fixture.Upstream.Received.Count);

        var records = await server.WaitForRecordsAsync(200);
        var after = await GetBudgetAsync(server, budgetId);
        Assert.Equal(200, records.Count);
        Assert.Equal(150, records.Count(r => r.StatusCode == 429 && r.ErrorClass == "budget_exceeded"));
        Assert.Equal(records.Sum(r => r.CostUsd), Usd(after, "spentUsd"));
        Assert.Equal(50 * CallCost, Usd(after, "spentUsd"));
        Assert.True(Usd(after, "spentUsd") <= Usd(after, "limitUsd"));
        Assert.Equal(0m, Usd(after, "reservedUsd"));
        Assert.Equal(0m, Usd(after, "remainingUsd"));
    }

    [Fact]
    public async Task OwnerBudget_IsSharedByTheOwnersKeys_AndLeavesOtherOwnersAlone()
    {
        await using var server = await GatehouseServer.StartAsync(_fixture.Config(), configure: FixedBudgetClock);
        var (_, first) = await CreateKeyAsync(server, "first", owner: "team-a");
        var (_, second) = await CreateKeyAsync(server, "second", owner: "team-a");
        var (_, other) = await CreateKeyAsync(server, "other", owner: "team-b");
        var budget = await CreateBudgetAsync(server, new { owner = "team-a", period = "month", limitUsd = 3 * CallCost });

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(first)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(second)).Status);
        var third = await CallAsync(first);
        Assert.Equal(HttpStatusCode.OK, third.Status);
        Assert.Equal(budget.GetProperty("id").GetString(), third.Response.Headers.GetValues("x-gatehouse-budget-id").Single());
        Assert.Equal(CallCost, HeaderUsd(third.Response, "x-gatehouse-budget-remaining-usd"));

        var refused = await CallAsync(second);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Contains("owner 'team-a'", ErrorMessage(refused.Body), StringComparison.Ordinal);
        Assert.Contains("period month (resets ", ErrorMessage(refused.Body), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await CallAsync(first)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(other)).Status);
        Assert.Equal(3 * CallCost, Usd(await SettledBudgetAsync(server, budget.GetProperty("id").GetString()!), "spentUsd"));
    }

    [Fact]
    public async Task KeyAndOwnerBudgets_BothApply_TheTightestIsInTheHeaders()
    {
        await using var server = await GatehouseServer.StartAsync(_fixture.Config(), configure: FixedBudgetClock);
        var (keyId, client) = await CreateKeyAsync(server, "both", owner: "team-c");
        var ownerBudget = await CreateBudgetAsync(server, new { owner = "team-c", period = "total", limitUsd = 1m });
        var keyBudget = await CreateBudgetAsync(server, new { keyId, period = "day", limitUsd = 2 * CallCost });

        var first = await CallAsync(client);
        Assert.Equal(keyBudget.GetProperty("id").GetString(), first.Response.Headers.GetValues("x-gatehouse-budget-id").Single());
        Assert.Equal(2 * CallCost, HeaderUsd(first.Response, "x-gatehouse-budget-remaining-usd"));
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
        var refused = await CallAsync(client);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Contains($"key '{keyId}', period day", ErrorMessage(refused.Body), StringComparison.Ordinal);
        // A refused call reserves nothing anywhere: the owner budget holds exactly the two calls served.
        var owner = await SettledBudgetAsync(server, ownerBudget.GetProperty("id").GetString()!);
        Assert.Equal(2 * CallCost, Usd(owner, "spentUsd"));
        Assert.Equal(0m, Usd(owner, "reservedUsd"));
    }

    [Fact]
    public async Task WorstCase_UsesMaxTokens_ElseTheDefault_OnTheMostExpensiveDeployment()
    {
        await using var server = await GatehouseServer.StartAsync(_fixture.Config(), configure: FixedBudgetClock);
        var (keyId, client) = await CreateKeyAsync(server, "sized");
        await CreateBudgetAsync(server, new { keyId, period = "total", limitUsd = 0.001m });

        // max_tokens 10 fits easily; max_completion_tokens is read the same way.
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, Request.Replace("\"max_tokens\"", "\"max_completion_tokens\"", StringComparison.Ordinal))).Status);

        // Without a limit the call may produce Gatehouse:Budgets:DefaultMaxOutputTokens (4096) tokens: $0.008 at worst.
        var unbounded = await CallAsync(client, Request.Replace("\"max_tokens\":10,", "", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.TooManyRequests, unbounded.Status);
        var unboundedCost = (PromptTokens * InputPrice) + (4096 * OutputPrice);
        Assert.Contains($"this call may cost up to ${unboundedCost.ToString("0.00##########", System.Globalization.CultureInfo.InvariantCulture)}", ErrorMessage(unbounded.Body), StringComparison.Ordinal);

        // A route that can fall back to a 10x dearer deployment reserves at that price.
        var withFallback = await CallAsync(client, Request.Replace("budgeted", "with-pricey-fallback", StringComparison.Ordinal).Replace("10", "100", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.TooManyRequests, withFallback.Status);
        var priceyCost = (PromptTokens * InputPrice * 10) + (100 * OutputPrice * 10);
        Assert.Contains($"this call may cost up to ${priceyCost.ToString("0.00##########", System.Globalization.CultureInfo.InvariantCulture)}", ErrorMessage(withFallback.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamFailure_ReleasesTheReservation_AndSpendsNothing()
    {
        _fixture.Upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"boom","type":"server_error"}}""", 500);
        await using var server = await GatehouseServer.StartAsync(_fixture.Config(), configure: FixedBudgetClock);
        var (keyId, client) = await CreateKeyAsync(server, "failing");
        var budget = await CreateBudgetAsync(server, new { keyId, period = "total", limitUsd = 1.5m * CallCost });

        // A held reservation would leave half a call's worth: the second failure would be refused.
        Assert.Equal(HttpStatusCode.BadGateway, (await CallAsync(client)).Status);
        Assert.Equal(HttpStatusCode.BadGateway, (await CallAsync(client)).Status);
        _fixture.Upstream.Handler = (context, _) => AnswerAsync(context);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);

        var after = await SettledBudgetAsync(server, budget.GetProperty("id").GetString()!);
        Assert.Equal(CallCost, Usd(after, "spentUsd"));
        Assert.Equal(0m, Usd(after, "reservedUsd"));
    }

    [Fact]
    public async Task ClientDisconnect_ReleasesTheReservation()
    {
        var upstreamCalled = new TaskCompletionSource();
        _fixture.Upstream.Handler = async (context, _) =>
        {
            upstreamCalled.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };
        await using var server = await GatehouseServer.StartAsync(_fixture.Config(), configure: FixedBudgetClock);
        var (keyId, client) = await CreateKeyAsync(server, "leaving");
        var budget = await CreateBudgetAsync(server, new { keyId, period = "total", limitUsd = 1.5m * CallCost });
        var budgetId = budget.GetProperty("id").GetString()!;

        using (var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var call = client.PostAsync("v1/chat/completions", GatehouseServer.Json(Request), leave.Token);
            await upstreamCalled.Task.WaitAsync(Ct);
            Assert.Equal(CallCost, Usd(await GetBudgetAsync(server, budgetId), "reservedUsd"));
            await leave.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        Assert.Equal(0m, Usd(await SettledBudgetAsync(server, budgetId), "spentUsd"));
        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(499, record.StatusCode);

        _fixture.Upstream.Handler = (context, _) => AnswerAsync(context);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
    }

    [Fact]
    public async Task KeyWithoutBudget_PassesStraightThrough_WithoutCountingTokens()
    {
        var counted = 0;
        var counter = new Usage.FakeTokenCounter(text =>
        {
            Interlocked.Increment(ref counted);
            return TiktokenTokenCounter.Instance.CountTokens(text);
        });
        await using var server = await GatehouseServer.StartAsync(_fixture.Config(), configure: builder => builder.Services.AddSingleton<ITokenCounter>(counter));
        var (budgetedKey, budgeted) = await CreateKeyAsync(server, "budgeted");
        var (_, free) = await CreateKeyAsync(server, "free");
        await CreateBudgetAsync(server, new { keyId = budgetedKey, period = "day", limitUsd = 1m });

        var freeCall = await CallAsync(free);
        Assert.Equal(HttpStatusCode.OK, freeCall.Status);
        Assert.False(freeCall.Response.Headers.Contains("x-gatehouse-budget-remaining-usd"));
        Assert.Equal(0, Volatile.Read(ref counted));

        var budgetedCall = await CallAsync(budgeted);
        Assert.Equal(HttpStatusCode.OK, budgetedCall.Status);
        Assert.True(budgetedCall.Response.Headers.Contains("x-gatehouse-budget-remaining-usd"));
        Assert.True(Volatile.Read(ref counted) > 0);
    }

    [Fact]
    public async Task SettledSpend_SurvivesARestart()
    {
        var dataDirectory = TempDirectory.Create();
        string budgetId;
        string secret;
        await using (var server = await GatehouseServer.StartAsync(_fixture.Config(), dataDirectory, configure: FixedBudgetClock))
        {
            using var admin = server.CreateClient();
            using var created = await admin.PostAsync("api/keys", GatehouseServer.Json("""{"name":"durable"}"""), Ct);
            var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
            secret = key.GetProperty("key").GetString()!;
            budgetId = (await CreateBudgetAsync(server, new { keyId = key.GetProperty("id").GetString(), period = "month", limitUsd = 4 * CallCost })).GetProperty("id").GetString()!;
            using var client = server.CreateClient(secret);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
            }
        }

        await using (var restarted = await GatehouseServer.StartAsync(_fixture.Config(), dataDirectory, configure: FixedBudgetClock))
        {
            Assert.Equal(3 * CallCost, Usd(await GetBudgetAsync(restarted, budgetId), "spentUsd"));
            var saved = await restarted.GetService<IBudgetStore>().ListLatestSpendAsync(Ct);
            Assert.Equal(3 * CallCost, Assert.Single(saved).SpentUsd);

            using var client = restarted.CreateClient(secret);
            Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await CallAsync(client)).Status);
        }
    }

    [Fact]
    public async Task SpendSavedBehindItsRecords_IsReconciledFromTheRecordsOnStart()
    {
        var dataDirectory = TempDirectory.Create();
        string budgetId;
        string secret;
        await using (var server = await GatehouseServer.StartAsync(_fixture.Config(), dataDirectory, configure: FixedBudgetClock))
        {
            var (keyId, client) = await CreateKeyAsync(server, "lagging");
            using var other = (await CreateKeyAsync(server, "other")).Client;
            secret = client.DefaultRequestHeaders.Authorization!.Parameter!;
            budgetId = (await CreateBudgetAsync(server, new { keyId, period = "month", limitUsd = 4 * CallCost })).GetProperty("id").GetString()!;
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
                Assert.Equal(HttpStatusCode.OK, (await CallAsync(other)).Status); // another key's calls do not count
            }

            await SettledBudgetAsync(server, budgetId);
            client.Dispose();
        }

        // What a crash leaves when the ledger's last save lagged the calls: their records, not their spend.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, "gatehouse.db")};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE budget_spend SET spent_pusd = spent_pusd / 3";
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        await using (var restarted = await GatehouseServer.StartAsync(_fixture.Config(), dataDirectory, configure: FixedBudgetClock))
        {
            Assert.Equal(3 * CallCost, Usd(await GetBudgetAsync(restarted, budgetId), "spentUsd"));
            await WaitUntilAsync(async () => (await restarted.GetService<IBudgetStore>().ListLatestSpendAsync(Ct)).Single().SpentUsd == 3 * CallCost, "the corrected spend is saved");

            using var client = restarted.CreateClient(secret);
            Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await CallAsync(client)).Status);
        }
    }
}
