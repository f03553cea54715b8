using System.Globalization;
using System.Net;
using System.Text.Json;
using Gatehouse.Records;
using Gatehouse.Storage;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Records;

/// <summary>Every call yields exactly one record; the history API lists them; shutdown loses none.</summary>
public sealed class RequestRecordTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentRequests_ProduceExactlyOneRecordEach_WithMatchingTokenAndCostSums()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient();
        const int count = 200;

        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select<int, Task<(Guid Id, JsonElement? Usage, decimal? Cost)>>(async i =>
        {
            var stream = i % 2 == 0;
            var body = $$"""{"model":"sim-small","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"request {{i}}"}]}""";
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var id = Guid.Parse(response.Headers.GetValues("x-gatehouse-request-id").Single());
            return (Id: id, Usage: stream ? null : JsonDocument.Parse(text).RootElement.GetProperty("usage").Clone(), Cost: stream ? (decimal?)null : decimal.Parse(response.Headers.GetValues("x-gatehouse-cost-usd").Single(), CultureInfo.InvariantCulture));
        }));

        var records = await server.WaitForRecordsAsync(count);
        Assert.Equal(count, records.Count);
        Assert.Equal(responses.Select(r => r.Id).Order(), records.Select(r => r.Id).Order());

        var plain = responses.Where(r => r.Usage is not null).ToArray();
        var plainRecords = records.Where(r => !r.Streamed).ToDictionary(r => r.Id);
        Assert.Equal(plain.Sum(r => r.Usage!.Value.GetProperty("prompt_tokens").GetInt32()), plain.Sum(r => plainRecords[r.Id].InputTokens));
        Assert.Equal(plain.Sum(r => r.Usage!.Value.GetProperty("completion_tokens").GetInt32()), plain.Sum(r => plainRecords[r.Id].OutputTokens));
        Assert.Equal(plain.Sum(r => r.Cost!.Value), plain.Sum(r => plainRecords[r.Id].CostUsd));
        Assert.All(records.Where(r => r.Streamed), r => Assert.True(r.OutputTokens > 0 && r.CostUsd > 0 && !r.UsageEstimated));
    }

    [Fact]
    public async Task StoppingUnderLoad_LosesNoRecord()
    {
        var dataDirectory = TempDirectory.Create();
        var server = await GatehouseServer.StartAsync(
            """{ "Gatehouse": { "Deployments": { "sim-small": { "Simulation": { "TimeToFirstTokenMs": 300, "TokensPerSecond": 0 } } } } }""",
            dataDirectory);
        using var client = server.CreateClient();

        var calls = Enumerable.Range(0, 100).Select(async _ =>
        {
            try
            {
                using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct);
                await response.Content.ReadAsStringAsync(Ct);
                return response.IsSuccessStatusCode ? Guid.Parse(response.Headers.GetValues("x-gatehouse-request-id").Single()) : (Guid?)null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }).ToArray();

        await Task.Delay(100, Ct); // every call is now inside Gatehouse, waiting on the simulator
        await server.DisposeAsync();
        var answered = (await Task.WhenAll(calls)).OfType<Guid>().ToHashSet();

        // Read the database afresh, as the next start would.
        await using var restarted = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig, dataDirectory);
        var records = await GatehouseServer.ReadAllRecordsAsync(restarted.GetService<IRequestRecordStore>());
        Assert.NotEmpty(answered);
        Assert.Subset(records.Select(r => r.Id).ToHashSet(), answered);
        Assert.Equal(records.Count, records.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task RequestsApi_FiltersPagesAndScopesToTheCallersKey()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();
        using var created = await admin.PostAsync("api/keys", GatehouseServer.Json("""{"name":"app"}"""), Ct);
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("key").GetString()!;
        using var app = server.CreateClient(secret);

        for (var i = 0; i < 5; i++)
        {
            (await admin.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct)).Dispose();
        }

        (await app.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct)).Dispose();
        (await app.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"missing","messages":[{"role":"user","content":"hi"}]}"""), Ct)).Dispose();
        await server.WaitForRecordsAsync(7);

        // Cursor pagination walks everything once.
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = JsonDocument.Parse(await admin.GetStringAsync($"api/requests?limit=3{(cursor is null ? "" : "&cursor=" + cursor)}", Ct)).RootElement;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(7, seen.Distinct().Count());

        var errors = JsonDocument.Parse(await admin.GetStringAsync("api/requests?outcome=error", Ct)).RootElement.GetProperty("items");
        Assert.Equal(404, Assert.Single(errors.EnumerateArray()).GetProperty("statusCode").GetInt32());
        var byModel = JsonDocument.Parse(await admin.GetStringAsync("api/requests?model=sim-small&status=200", Ct)).RootElement.GetProperty("items");
        Assert.Equal(6, byModel.GetArrayLength());

        // A virtual key sees only its own calls, and not other keys' records by id.
        var own = JsonDocument.Parse(await app.GetStringAsync("api/requests", Ct)).RootElement.GetProperty("items");
        Assert.Equal(2, own.GetArrayLength());
        using var foreign = await app.GetAsync($"api/requests/{seen.First(id => !own.EnumerateArray().Any(o => o.GetProperty("id").GetString() == id))}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        using var one = await admin.GetAsync($"api/requests/{seen[0]}", Ct);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using var badCursor = await admin.GetAsync("api/requests?cursor=not-a-cursor", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    [Fact]
    public async Task DatabaseUnavailable_RecordsWaitInMemory_ThenLand()
    {
        var store = new FlakyRecordStore();
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig, configure: builder =>
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IRequestRecordStore>(builder.Services, store));
        store.Failing = true;
        using var client = server.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the hot path never waits on the database
        }

        await Task.Delay(300, Ct);
        Assert.True(store.FailedAttempts > 0);
        Assert.Empty(store.Stored);
        store.Failing = false;

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (store.Stored.Count < 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Equal(10, store.Stored.Count);
        Assert.Equal(0, server.GetService<RequestRecordWriter>().DroppedCount);
    }

    /// <summary>A store that fails on demand, standing in for a database that is down (the one fake here: a real SQLite cannot be made to fail on cue).</summary>
    private sealed class FlakyRecordStore : IRequestRecordStore
    {
        public volatile bool Failing;
        public int FailedAttempts;

        public System.Collections.Concurrent.ConcurrentDictionary<Guid, RequestRecord> Stored { get; } = new();

        public Task InsertBatchAsync(IReadOnlyList<RequestRecord> records, CancellationToken cancellationToken)
        {
            if (Failing)
            {
                Interlocked.Increment(ref FailedAttempts);
                throw new IOException("database is down");
            }

            foreach (var record in records)
            {
                Stored.TryAdd(record.Id, record);
            }

            return Task.CompletedTask;
        }

        public Task<RequestRecord?> GetAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(Stored.GetValueOrDefault(id));

        public Task<RequestRecordPage> QueryAsync(RequestRecordQuery query, CancellationToken cancellationToken) =>
            Task.FromResult(new RequestRecordPage([.. Stored.Values], null));

        public Task<decimal> SumCostByKeyAsync(string keyId, DateTimeOffset from, CancellationToken cancellationToken) =>
            Task.FromResult(Stored.Values.Where(r => r.KeyId == keyId && r.Timestamp >= from).Sum(r => r.CostUsd));

        public Task<decimal> SumCostByOwnerAsync(string owner, DateTimeOffset from, CancellationToken cancellationToken) => Task.FromResult(0m);

        public Task<bool> MakeDurableAsync(CancellationToken cancellationToken) => Task.FromResult(!Failing);

    }
}
