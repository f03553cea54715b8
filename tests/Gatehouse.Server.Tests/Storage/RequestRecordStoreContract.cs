using Gatehouse.Records;
using Gatehouse.Storage;
using Xunit;
using static Gatehouse.Tests.Storage.StorageTestData;

namespace Gatehouse.Tests.Storage;

/// <summary>What every <see cref="IRequestRecordStore"/> must do. A database gets these tests by subclassing.</summary>
public abstract class RequestRecordStoreContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store over a freshly migrated, empty database.</summary>
    protected abstract Task<IRequestRecordStore> CreateStoreAsync();

    /// <summary>A key store over the same database as the last <see cref="CreateStoreAsync"/> (owner sums read the key table).</summary>
    protected abstract IKeyStore KeyStore();

    [Fact]
    public async Task SumCostByKey_AddsThatKeysRecordsFromAMomentOn()
    {
        var store = await CreateStoreAsync();
        await store.InsertBatchAsync(
        [
            Record(BaseTime.AddSeconds(-1)) with { CostUsd = 5m },                      // before the moment
            Record(BaseTime) with { CostUsd = 0.000000000001m },                        // at it: counts
            Record(BaseTime.AddDays(40)) with { CostUsd = 1.25m },
            Record(BaseTime, keyId: "key-b") with { CostUsd = 7m },                     // another key
        ], Ct);

        Assert.Equal(1.250000000001m, await store.SumCostByKeyAsync("key-a", BaseTime, Ct));
        Assert.Equal(0m, await store.SumCostByKeyAsync("key-none", BaseTime, Ct));
    }

    [Fact]
    public async Task SumCostByOwner_AddsTheRecordsOfEveryKeyOfThatOwner()
    {
        var store = await CreateStoreAsync();
        await KeyStore().InsertAsync(Key("key-a") with { Owner = "team" }, Ct);
        await KeyStore().InsertAsync(Key("key-b") with { Owner = "team" }, Ct);
        await KeyStore().InsertAsync(Key("key-c") with { Owner = "others" }, Ct);
        await store.InsertBatchAsync(
        [
            Record(BaseTime, keyId: "key-a") with { CostUsd = 1m },
            Record(BaseTime, keyId: "key-b") with { CostUsd = 2m },
            Record(BaseTime.AddSeconds(-1), keyId: "key-b") with { CostUsd = 4m },      // before the moment
            Record(BaseTime, keyId: "key-c") with { CostUsd = 8m },
            Record(BaseTime, keyId: null) with { CostUsd = 16m },
        ], Ct);

        Assert.Equal(3m, await store.SumCostByOwnerAsync("team", BaseTime, Ct));
        Assert.Equal(0m, await store.SumCostByOwnerAsync("nobody", BaseTime, Ct));
    }

    [Fact]
    public async Task MakeDurable_OnAQuietDatabase_Succeeds_AndKeepsTheRecords()
    {
        var store = await CreateStoreAsync();
        var record = Record();
        await store.InsertBatchAsync([record], Ct);

        Assert.True(await store.MakeDurableAsync(Ct));
        Assert.Equal(record, await store.GetAsync(record.Id, Ct));
    }

    [Fact]
    public async Task InsertBatch_ThenGet_RoundTripsEveryField()
    {
        var store = await CreateStoreAsync();
        var full = new RequestRecord
        {
            Id = Guid.NewGuid(),
            Timestamp = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(1_234_560),
            KeyId = "vk_123",
            Endpoint = "embeddings",
            RequestedModel = "text-embedding-3-small",
            Deployment = "azure-east/text-embedding-3-small",
            Provider = "azure-openai",
            StatusCode = 504,
            ErrorClass = "upstream_timeout",
            ErrorMessage = "Upstream did not answer in 30 s — \"quoted\", ünïcödé",
            InputTokens = int.MaxValue,
            OutputTokens = 2,
            CachedInputTokens = 3,
            CacheWriteInputTokens = 7,
            FailedAttempts = "primary:upstream_error",
            ReasoningTokens = 4,
            UsageEstimated = true,
            CostUsd = 0.000123456789m,
            LatencyMs = 1234.5678901234567,
            TimeToFirstTokenMs = 0.1 + 0.2,
            Streamed = true,
        };
        var minimal = new RequestRecord
        {
            Id = Guid.NewGuid(),
            Timestamp = BaseTime,
            Endpoint = "chat.completions",
            StatusCode = 200,
        };

        await store.InsertBatchAsync([full, minimal], Ct);

        var loadedFull = await store.GetAsync(full.Id, Ct);
        var loadedMinimal = await store.GetAsync(minimal.Id, Ct);
        Assert.Equal(full, loadedFull);
        Assert.Equal(minimal, loadedMinimal);
        Assert.Equal(TimeSpan.Zero, loadedFull!.Timestamp.Offset);
        Assert.Equal(full.Timestamp.UtcTicks, loadedFull.Timestamp.UtcTicks);
        Assert.Equal("0.000123456789", loadedFull.CostUsd.ToString(System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0'));
        Assert.Null(loadedMinimal!.KeyId);
        Assert.Null(loadedMinimal.TimeToFirstTokenMs);
    }

    [Fact]
    public async Task InsertBatch_TextHoldingNul_IsKept_AsNulOrAsTheReplacementCharacter()
    {
        // What a caller or an upstream sent ends up in a record; PostgreSQL's text cannot hold U+0000.
        var store = await CreateStoreAsync();
        var record = new RequestRecord
        {
            Id = Guid.NewGuid(),
            Timestamp = BaseTime,
            Endpoint = "chat.completions",
            RequestedModel = "sim-small\0",
            StatusCode = 404,
            ErrorMessage = "The model 'sim-small\0' does not exist.",
        };
        var neighbour = Record(BaseTime);

        await store.InsertBatchAsync([record, neighbour], Ct);

        var loaded = await store.GetAsync(record.Id, Ct);
        Assert.NotNull(loaded);
        Assert.Equal(record.RequestedModel, loaded.RequestedModel!.Replace('\uFFFD', '\0'));
        Assert.Equal(record.ErrorMessage, loaded.ErrorMessage!.Replace('\uFFFD', '\0'));
        Assert.NotNull(await store.GetAsync(neighbour.Id, Ct));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.000000000001")]
    [InlineData("0.000123456789")]
    [InlineData("12345.678901234567")]
    [InlineData("9000000.5")]
    public async Task InsertBatch_Cost_RoundTripsExactly(string cost)
    {
        var store = await CreateStoreAsync();
        var record = Record() with { CostUsd = decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture) };

        await store.InsertBatchAsync([record], Ct);

        Assert.Equal(record.CostUsd, (await store.GetAsync(record.Id, Ct))!.CostUsd);
    }

    [Fact]
    public async Task InsertBatch_Timestamp_KeepsMicrosecondsAndDropsFinerTicks()
    {
        var store = await CreateStoreAsync();
        var microseconds = Record(timestamp: BaseTime.AddTicks(9_876_540));
        var finer = Record(timestamp: BaseTime.AddTicks(9_876_547));

        await store.InsertBatchAsync([microseconds, finer], Ct);

        Assert.Equal(BaseTime.AddTicks(9_876_540), (await store.GetAsync(microseconds.Id, Ct))!.Timestamp);
        Assert.Equal(BaseTime.AddTicks(9_876_540), (await store.GetAsync(finer.Id, Ct))!.Timestamp);
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsNull()
    {
        var store = await CreateStoreAsync();
        await store.InsertBatchAsync([Record()], Ct);

        Assert.Null(await store.GetAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task InsertBatch_EmptyBatch_DoesNothing()
    {
        var store = await CreateStoreAsync();

        await store.InsertBatchAsync([], Ct);

        Assert.Empty((await store.QueryAsync(new RequestRecordQuery(), Ct)).Items);
    }

    [Fact]
    public async Task InsertBatch_DuplicateIdInBatch_KeepsFirstAndIgnoresRest()
    {
        var store = await CreateStoreAsync();
        var first = Record(model: "first");
        var again = first with { RequestedModel = "second", StatusCode = 500 };

        await store.InsertBatchAsync([first, Record(), again], Ct);

        Assert.Equal(first, await store.GetAsync(first.Id, Ct));
        Assert.Equal(2, (await ReadAllAsync(store, new RequestRecordQuery())).Count);
    }

    [Fact]
    public async Task InsertBatch_RetriedBatch_NeverDuplicates()
    {
        var store = await CreateStoreAsync();
        var batch = Enumerable.Range(0, 20).Select(i => Record(timestamp: BaseTime.AddSeconds(i))).ToList();

        await store.InsertBatchAsync(batch[..10], Ct);
        await store.InsertBatchAsync(batch, Ct);

        var all = await ReadAllAsync(store, new RequestRecordQuery());
        Assert.Equal(batch.Select(r => r.Id).Order(), all.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task InsertBatch_TenConcurrentBatches_AllRecordsLand()
    {
        var store = await CreateStoreAsync();
        var batches = Enumerable.Range(0, 10)
            .Select(b => Enumerable.Range(0, 100).Select(i => Record(timestamp: BaseTime.AddMilliseconds((b * 100) + i))).ToList())
            .ToList();

        await Task.WhenAll(batches.Select(batch => Task.Run(() => store.InsertBatchAsync(batch, Ct), Ct)));

        var all = await ReadAllAsync(store, new RequestRecordQuery { Limit = 500 });
        Assert.Equal(1000, all.Count);
        Assert.Equal(batches.SelectMany(b => b).Select(r => r.Id).Order(), all.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task Query_ByKey_ReturnsOnlyThatKey()
    {
        var (store, seeded) = await SeedFilterDataAsync();

        var found = await ReadAllAsync(store, new RequestRecordQuery { KeyId = "key-b" });

        AssertSameRecords(seeded.Where(r => r.KeyId == "key-b"), found);
    }

    [Fact]
    public async Task Query_ByModel_ReturnsOnlyThatModel()
    {
        var (store, seeded) = await SeedFilterDataAsync();

        var found = await ReadAllAsync(store, new RequestRecordQuery { Model = "claude" });

        AssertSameRecords(seeded.Where(r => r.RequestedModel == "claude"), found);
    }

    [Fact]
    public async Task Query_ByStatusCode_ReturnsOnlyThatStatus()
    {
        var (store, seeded) = await SeedFilterDataAsync();

        var found = await ReadAllAsync(store, new RequestRecordQuery { StatusCode = 429 });

        AssertSameRecords(seeded.Where(r => r.StatusCode == 429), found);
    }

    [Theory]
    [InlineData("success")]
    [InlineData("error")]
    [InlineData("ERROR")]
    public async Task Query_ByOutcome_SplitsAt400(string outcome)
    {
        var (store, seeded) = await SeedFilterDataAsync();
        var wantErrors = outcome.Equals("error", StringComparison.OrdinalIgnoreCase);

        var found = await ReadAllAsync(store, new RequestRecordQuery { Outcome = outcome });

        AssertSameRecords(seeded.Where(r => r.StatusCode >= 400 == wantErrors), found);
    }

    [Fact]
    public async Task Query_FromTo_FromInclusiveToExclusive()
    {
        var (store, seeded) = await SeedFilterDataAsync();
        var from = BaseTime.AddMinutes(3);
        var to = BaseTime.AddMinutes(7);

        var found = await ReadAllAsync(store, new RequestRecordQuery { From = from, To = to });

        AssertSameRecords(seeded.Where(r => r.Timestamp >= from && r.Timestamp < to), found);
        Assert.Contains(found, r => r.Timestamp == from);
        Assert.DoesNotContain(found, r => r.Timestamp == to);
    }

    [Fact]
    public async Task Query_FiltersCombine()
    {
        var (store, seeded) = await SeedFilterDataAsync();

        var found = await ReadAllAsync(store, new RequestRecordQuery
        {
            KeyId = "key-a",
            Model = "gpt-4o-mini",
            Outcome = "error",
            From = BaseTime.AddMinutes(1),
        });

        var expected = seeded.Where(r => r.KeyId == "key-a" && r.RequestedModel == "gpt-4o-mini"
            && r.StatusCode >= 400 && r.Timestamp >= BaseTime.AddMinutes(1)).ToList();
        Assert.NotEmpty(expected);
        AssertSameRecords(expected, found);
    }

    [Fact]
    public async Task Query_ReturnsNewestFirst()
    {
        var (store, seeded) = await SeedFilterDataAsync();

        var page = await store.QueryAsync(new RequestRecordQuery { Limit = 500 }, Ct);

        Assert.Equal(seeded.OrderByDescending(r => r.Timestamp).Select(r => r.Id), page.Items.Select(r => r.Id));
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(50)]
    public async Task Query_Pagination_WalksEveryRecordOnceInOrder_EvenWithSharedTimestamps(int pageSize)
    {
        var store = await CreateStoreAsync();
        // 150 records: 100 share one timestamp, the rest spread before and after it.
        var records = Enumerable.Range(0, 100).Select(_ => Record(timestamp: BaseTime))
            .Concat(Enumerable.Range(1, 25).Select(i => Record(timestamp: BaseTime.AddSeconds(i))))
            .Concat(Enumerable.Range(1, 25).Select(i => Record(timestamp: BaseTime.AddSeconds(-i))))
            .ToList();
        await store.InsertBatchAsync(records, Ct);

        var pages = 0;
        var walked = new List<RequestRecord>();
        string? cursor = null;
        do
        {
            var page = await store.QueryAsync(new RequestRecordQuery { Limit = pageSize, Cursor = cursor }, Ct);
            Assert.InRange(page.Items.Count, 1, pageSize);
            walked.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        var expectedOrder = records
            .OrderByDescending(r => r.Timestamp)
            .ThenByDescending(r => r.Id.ToString("D"), StringComparer.Ordinal)
            .Select(r => r.Id);
        Assert.Equal(expectedOrder, walked.Select(r => r.Id));
        Assert.Equal((records.Count + pageSize - 1) / pageSize, pages);
    }

    [Fact]
    public async Task Query_Pagination_KeepsFiltersAcrossPages()
    {
        var store = await CreateStoreAsync();
        var records = Enumerable.Range(0, 60)
            .Select(i => Record(timestamp: BaseTime.AddSeconds(i / 3), keyId: i % 2 == 0 ? "even" : "odd"))
            .ToList();
        await store.InsertBatchAsync(records, Ct);

        var walked = await ReadAllAsync(store, new RequestRecordQuery { KeyId = "even", Limit = 6 });

        AssertSameRecords(records.Where(r => r.KeyId == "even"), walked);
    }

    [Fact]
    public async Task Query_LastPageExactlyFull_HasNoNextCursor()
    {
        var store = await CreateStoreAsync();
        await store.InsertBatchAsync(Enumerable.Range(0, 10).Select(i => Record(timestamp: BaseTime.AddSeconds(i))).ToList(), Ct);

        var first = await store.QueryAsync(new RequestRecordQuery { Limit = 5 }, Ct);
        var second = await store.QueryAsync(new RequestRecordQuery { Limit = 5, Cursor = first.NextCursor }, Ct);

        Assert.NotNull(first.NextCursor);
        Assert.Equal(5, second.Items.Count);
        Assert.Null(second.NextCursor);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-3, 1)]
    [InlineData(1, 1)]
    [InlineData(500, 500)]
    [InlineData(501, 500)]
    [InlineData(int.MaxValue, 500)]
    public async Task Query_Limit_IsClampedTo1Through500(int requested, int expected)
    {
        var store = await CreateStoreAsync();
        await store.InsertBatchAsync(Enumerable.Range(0, 510).Select(i => Record(timestamp: BaseTime.AddMilliseconds(i))).ToList(), Ct);

        var page = await store.QueryAsync(new RequestRecordQuery { Limit = requested }, Ct);

        Assert.Equal(expected, page.Items.Count);
        Assert.NotNull(page.NextCursor);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("")]
    [InlineData("AAAA")]
    public async Task Query_UnrecognisedCursor_Throws(string cursor)
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new RequestRecordQuery { Cursor = cursor }, Ct));
    }

    [Fact]
    public async Task Query_UnknownOutcome_Throws()
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new RequestRecordQuery { Outcome = "maybe" }, Ct));
    }

    private async Task<(IRequestRecordStore Store, List<RequestRecord> Seeded)> SeedFilterDataAsync()
    {
        var store = await CreateStoreAsync();
        string?[] keys = ["key-a", "key-b", null];
        string[] models = ["gpt-4o-mini", "claude", "gpt-4o-mini", "llama"];
        int[] statuses = [200, 429, 200, 500, 201, 400, 399];
        var seeded = Enumerable.Range(0, 42)
            .Select(i => Record(
                timestamp: BaseTime.AddMinutes(i % 10).AddSeconds(i),
                keyId: keys[i % keys.Length],
                model: models[i % models.Length],
                statusCode: statuses[i % statuses.Length]))
            .ToList();
        // Exact boundary instants for the From/To test.
        seeded.Add(Record(timestamp: BaseTime.AddMinutes(3)));
        seeded.Add(Record(timestamp: BaseTime.AddMinutes(7)));
        await store.InsertBatchAsync(seeded, Ct);
        return (store, seeded);
    }

    private static async Task<List<RequestRecord>> ReadAllAsync(IRequestRecordStore store, RequestRecordQuery query)
    {
        var all = new List<RequestRecord>();
        string? cursor = null;
        do
        {
            var page = await store.QueryAsync(query with { Cursor = cursor }, Ct);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    private static void AssertSameRecords(IEnumerable<RequestRecord> expected, List<RequestRecord> actual)
    {
        var expectedList = expected.ToList();
        Assert.NotEmpty(expectedList);
        Assert.Equal(expectedList.Select(r => r.Id).Order(), actual.Select(r => r.Id).Order());
        Assert.Equal(actual.Count, actual.Select(r => r.Id).Distinct().Count());
    }
}
