using System.Text.Json;
using Gatehouse.Analytics;
using Gatehouse.Executions;
using Gatehouse.Records;
using Gatehouse.Storage;
using Xunit;
using static Gatehouse.Tests.Storage.StorageTestData;

namespace Gatehouse.Tests.Storage;

/// <summary>
/// What every <see cref="IAnalyticsStore"/> must do: the numbers of <c>/api/analytics</c>, computed
/// from executions and request records written through the same database's stores.
/// </summary>
public abstract class AnalyticsStoreContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The analytics store and the stores that feed it, over one freshly migrated, empty database.</summary>
    private protected abstract Task<AnalyticsStores> CreateStoresAsync();

    /// <summary>
    /// The same over a database migrated only up to the version before the analytics rollups; the
    /// returned callback applies the rest (so records written before the upgrade are backfilled).
    /// </summary>
    private protected abstract Task<(AnalyticsStores Stores, Func<Task> MigrateRest)> CreateStoresBeforeRollupsAsync();

    private protected sealed record AnalyticsStores(IAnalyticsStore Analytics, IExecutionStore Executions, IRequestRecordStore Records, IKeyStore Keys);

    [Fact]
    public async Task Compute_NothingStored_ReturnsZerosNullRatesAndEveryBucket()
    {
        var stores = await CreateStoresAsync();

        var report = await stores.Analytics.ComputeAsync(Query(BaseTime, BaseTime.AddHours(3)), Ct);

        Assert.Equal((BaseTime, BaseTime.AddHours(3), "hour"), (report.From, report.To, report.GroupBy));
        foreach (var section in new[] { report.Executions, report.Requests })
        {
            Assert.Equal((0, 0, 0), (section.Total, section.Succeeded, section.Failed));
            Assert.Null(section.SuccessRate);
            Assert.Equal(0m, section.Cost.TotalUsd);
            Assert.Null(section.Cost.AverageUsd);
            Assert.Empty(section.Cost.ByModel);
            Assert.Equal(new TokenSummary(0, 0, 0, null), section.Tokens);
            Assert.Equal(new LatencySummary(null, null, null), section.LatencyMs);
            Assert.Null(section.CacheHitRate);
            Assert.Equal([BaseTime, BaseTime.AddHours(1), BaseTime.AddHours(2)], section.Buckets.Select(b => b.Start));
            Assert.All(section.Buckets, b => Assert.Equal(new AnalyticsBucket(b.Start, 0, 0, 0, 0m, 0, null), b));
        }

        Assert.Equal(0, report.Executions.ValidationFailed);
        Assert.Empty(report.Executions.Cost.ByPrompt!);
        Assert.Empty(report.Executions.TopPrompts!);
        Assert.Null(report.Executions.Tools);
        Assert.Null(report.Requests.ValidationFailed);
        Assert.Null(report.Requests.Cost.ByPrompt);
        Assert.Null(report.Requests.TopPrompts);
        Assert.Equal((0, 0, 0.0), (report.Requests.Tools!.Calls, report.Requests.Tools.TokensOffered, report.Requests.Tools.Reduction));
    }

    [Fact]
    public async Task Compute_Executions_CountsSumsGroupsAndBucketsTheRange()
    {
        var stores = await CreateStoresAsync();
        await SeedAsync(stores);

        var section = (await stores.Analytics.ComputeAsync(Query(BaseTime, BaseTime.AddHours(3)), Ct)).Executions;

        Assert.Equal((3, 1, 2, 1L), (section.Total, section.Succeeded, section.Failed, section.ValidationFailed));
        Assert.Equal(1.0 / 3, section.SuccessRate!.Value, 12);
        Assert.Equal(2.500000000001m, section.Cost.TotalUsd);
        Assert.Equal(2.500000000001m / 3, section.Cost.AverageUsd);
        Assert.Equal([new ModelCost("ünïcode/模型", 1, 2m), new ModelCost("gpt-4o-mini", 2, 0.500000000001m)], section.Cost.ByModel);
        Assert.Equal(
            [new PromptUsage("prm_2", "second", 1, 0, 0, 2m), new PromptUsage("prm_1", "résumé", 2, 1, 0.5, 0.500000000001m)],
            section.Cost.ByPrompt);
        Assert.Equal(
            [new PromptUsage("prm_1", "résumé", 2, 1, 0.5, 0.500000000001m), new PromptUsage("prm_2", "second", 1, 0, 0, 2m)],
            section.TopPrompts);
        Assert.Equal(31, section.Tokens.Input);
        Assert.Equal(15, section.Tokens.Output);
        Assert.Equal(46, section.Tokens.Total);
        Assert.Equal(46.0 / 3, section.Tokens.Average!.Value, 12);
        Assert.Equal(new LatencySummary(200, 300, 300), section.LatencyMs);
        Assert.Equal(0.5, section.CacheHitRate);
        Assert.Null(section.Tools);
        Assert.Equal(
            [
                new AnalyticsBucket(BaseTime, 2, 1, 1, 0.500000000001m, 16, 200),
                new AnalyticsBucket(BaseTime.AddHours(1), 1, 0, 1, 2m, 30, 200),
                new AnalyticsBucket(BaseTime.AddHours(2), 0, 0, 0, 0m, 0, null),
            ],
            section.Buckets);
    }

    [Fact]
    public async Task Compute_Requests_CountsSucceededAsUnder400WithNoErrorClass_AndSumsTools()
    {
        var stores = await CreateStoresAsync();
        await SeedAsync(stores);

        var section = (await stores.Analytics.ComputeAsync(Query(BaseTime, BaseTime.AddHours(3)), Ct)).Requests;

        Assert.Equal((3, 1, 2), (section.Total, section.Succeeded, section.Failed));
        Assert.Null(section.ValidationFailed);
        Assert.Equal(1m, section.Cost.TotalUsd);
        Assert.Equal([new ModelCost("gpt-4o-mini", 2, 1m), new ModelCost(null, 1, 0m)], section.Cost.ByModel);
        Assert.Equal((12, 5, 17), (section.Tokens.Input, section.Tokens.Output, section.Tokens.Total));
        Assert.Equal(17.0 / 3, section.Tokens.Average!.Value, 12);
        Assert.Equal(new LatencySummary(50, 150, 150), section.LatencyMs);
        Assert.Equal(1.0, section.CacheHitRate);
        var tools = section.Tools!;
        Assert.Equal((2, 1100, 400, 15, 7, 1), (tools.Calls, tools.TokensOffered, tools.TokensSent, tools.ToolsOffered, tools.ToolsSent, tools.SearchRounds));
        Assert.Equal(1 - (400.0 / 1100), tools.Reduction, 12);
        Assert.Equal(
            [
                new AnalyticsBucket(BaseTime, 2, 1, 1, 1m, 15, 100),
                new AnalyticsBucket(BaseTime.AddHours(1), 0, 0, 0, 0m, 0, null),
                new AnalyticsBucket(BaseTime.AddHours(2), 1, 0, 1, 0m, 2, 10),
            ],
            section.Buckets);
    }

    [Fact]
    public async Task Compute_AnOwner_CountsItsExecutionsAndTheRequestsOfItsKeys()
    {
        var stores = await CreateStoresAsync();
        await SeedAsync(stores);

        var report = await stores.Analytics.ComputeAsync(Query(BaseTime, BaseTime.AddHours(3)) with { Owner = "équipe" }, Ct);

        Assert.Equal(2, report.Executions.Total);
        Assert.Equal(0.500000000001m, report.Executions.Cost.TotalUsd);
        Assert.Equal(2, report.Requests.Total);
        Assert.Equal(1m, report.Requests.Cost.TotalUsd);
        Assert.Equal(1, report.Requests.Tools!.Calls);
    }

    [Fact]
    public async Task Compute_AKey_CountsOnlyThatKeysExecutionsAndRequests()
    {
        var stores = await CreateStoresAsync();
        await SeedAsync(stores);

        var report = await stores.Analytics.ComputeAsync(Query(BaseTime, BaseTime.AddHours(3)) with { KeyId = "key-b" }, Ct);

        Assert.Equal(1, report.Executions.Total);
        Assert.Equal(2m, report.Executions.Cost.TotalUsd);
        Assert.Equal(1, report.Requests.Total);
        Assert.Equal(0, report.Requests.Succeeded); // a 429 is a failure
        Assert.Equal(new LatencySummary(10, 10, 10), report.Requests.LatencyMs);
    }

    [Fact]
    public async Task Compute_Percentiles_AreNearestRank()
    {
        var stores = await CreateStoresAsync();
        var shuffled = Enumerable.Range(1, 100).OrderBy(i => (i * 37) % 101).ToList();
        await stores.Records.InsertBatchAsync([.. shuffled.Select(i => Record(BaseTime.AddSeconds(i)) with { LatencyMs = i })], Ct);

        var report = await stores.Analytics.ComputeAsync(Query(BaseTime, BaseTime.AddHours(1)), Ct);

        Assert.Equal(new LatencySummary(50, 95, 99), report.Requests.LatencyMs);
        Assert.Equal(50.5, report.Requests.Buckets[0].AverageLatencyMs);
    }

    [Fact]
    public async Task Compute_OneCall_IsEveryPercentile()
    {
        var stores = await CreateStoresAsync();
        await stores.Records.InsertBatchAsync([Record(BaseTime) with { LatencyMs = 0.125 }], Ct);

        var report = await stores.Analytics.ComputeAsync(Query(BaseTime, BaseTime.AddHours(1)), Ct);

        Assert.Equal(new LatencySummary(0.125, 0.125, 0.125), report.Requests.LatencyMs);
    }

    [Fact]
    public async Task Compute_ByDay_BucketsUtcDaysFromTheDayTheRangeStartsIn()
    {
        var stores = await CreateStoresAsync();
        await stores.Records.InsertBatchAsync(
        [
            Record(BaseTime.AddHours(-1)),                           // 11:00 on day 1, before the range
            Record(BaseTime.AddHours(1)) with { CostUsd = 1m },     // day 1
            Record(BaseTime.AddHours(12)) with { CostUsd = 2m },    // 00:00 day 2
            Record(BaseTime.AddHours(47)) with { CostUsd = 4m },    // 11:00 day 3
            Record(BaseTime.AddHours(48)) with { CostUsd = 8m },    // 12:00 day 3: the end, excluded
        ], Ct);

        var report = await stores.Analytics.ComputeAsync(Query(BaseTime, BaseTime.AddHours(48), "day"), Ct);

        var day1 = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal([day1, day1.AddDays(1), day1.AddDays(2)], report.Requests.Buckets.Select(b => b.Start));
        Assert.Equal([1m, 2m, 4m], report.Requests.Buckets.Select(b => b.CostUsd));
        Assert.Equal(7m, report.Requests.Cost.TotalUsd);
        Assert.Equal(3, report.Requests.Total);
    }

    [Fact]
    public async Task Compute_TinyAndLargeCosts_SumExactly()
    {
        var stores = await CreateStoresAsync();
        await stores.Records.InsertBatchAsync(
        [
            .. Enumerable.Range(0, 7).Select(i => Record(BaseTime.AddSeconds(i)) with { CostUsd = 0.000000000001m }),
            Record(BaseTime.AddSeconds(10)) with { CostUsd = 9_000_000m },
        ], Ct);

        var report = await stores.Analytics.ComputeAsync(Query(BaseTime, BaseTime.AddHours(1)), Ct);

        Assert.Equal(9_000_000.000000000007m, report.Requests.Cost.TotalUsd);
        Assert.Equal(9_000_000.000000000007m, report.Requests.Buckets[0].CostUsd);
    }

    [Theory]
    [InlineData(17, 343, "hour")]   // partial hours at both ends around five whole ones
    [InlineData(17, 343, "day")]
    [InlineData(0, 360, "hour")]    // whole hours only
    [InlineData(59, 121, "hour")]   // one whole hour between two minutes
    [InlineData(-90, 45, "day")]    // starts before the first call
    public async Task Compute_AllKeys_EqualsTheSameCallsCountedAsOneOwners(int fromMinutes, int toMinutes, string groupBy)
    {
        // The admin's report reads the hourly rollups and the partial hours at the ends; an owner's reads the
        // records. With every call made by the owner's keys, the two must agree to the last digit.
        var stores = await CreateStoresAsync();
        await stores.Keys.InsertAsync(Key("key-a") with { Owner = "solo" }, Ct);
        await stores.Keys.InsertAsync(Key("key-b") with { Owner = "solo" }, Ct);
        var records = MixedRecords();
        await stores.Records.InsertBatchAsync(records, Ct);
        await stores.Records.InsertBatchAsync(records[..50], Ct); // a journal replay: counted once
        var query = Query(BaseTime.AddMinutes(fromMinutes), BaseTime.AddMinutes(toMinutes), groupBy);

        var all = (await stores.Analytics.ComputeAsync(query, Ct)).Requests;
        var owner = (await stores.Analytics.ComputeAsync(query with { Owner = "solo" }, Ct)).Requests;

        Assert.Equal(Json(owner), Json(all));
        var latencies = records.Where(r => r.Timestamp >= query.From && r.Timestamp < query.To).Select(r => r.LatencyMs).Order().ToList();
        Assert.Equal(latencies.Count, all.Total);
        Assert.Equal(new LatencySummary(NearestRank(latencies, 0.50), NearestRank(latencies, 0.95), NearestRank(latencies, 0.99)), all.LatencyMs);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(10000)]
    [InlineData(100000)]
    public async Task Compute_AllKeys_PercentilesInEveryBucketWidth_AreNearestRank(double scale)
    {
        // Latencies from scale to 10 × scale, so the percentiles land inside buckets of each width, and
        // not on their lower edges; the range cuts the first and last hour.
        var stores = await CreateStoresAsync();
        var latencies = Enumerable.Range(1, 300).Select(i => scale * (1 + (i * 37 % 300) / 33.3)).ToList();
        await stores.Records.InsertBatchAsync([.. latencies.Select((latency, i) => Record(BaseTime.AddSeconds(i * 47.9)) with { LatencyMs = latency })], Ct);
        var query = Query(BaseTime.AddMinutes(10), BaseTime.AddMinutes(230));

        var report = await stores.Analytics.ComputeAsync(query, Ct);

        var inRange = latencies.Where((_, i) => BaseTime.AddSeconds(i * 47.9) >= query.From && BaseTime.AddSeconds(i * 47.9) < query.To).Order().ToList();
        Assert.Equal(new LatencySummary(NearestRank(inRange, 0.50), NearestRank(inRange, 0.95), NearestRank(inRange, 0.99)), report.Requests.LatencyMs);
    }

    [Fact]
    public async Task Compute_AllKeys_RecordsWrittenBeforeTheRollupMigration_AreBackfilled()
    {
        var (stores, migrateRest) = await CreateStoresBeforeRollupsAsync();
        await stores.Keys.InsertAsync(Key("key-a") with { Owner = "solo" }, Ct);
        await stores.Keys.InsertAsync(Key("key-b") with { Owner = "solo" }, Ct);
        var records = MixedRecords();
        await stores.Records.InsertBatchAsync(records[..200], Ct);
        await migrateRest();
        await stores.Records.InsertBatchAsync(records[150..], Ct); // 150..199 again: already there
        var query = Query(BaseTime.AddMinutes(17), BaseTime.AddMinutes(343));

        var all = (await stores.Analytics.ComputeAsync(query, Ct)).Requests;
        var owner = (await stores.Analytics.ComputeAsync(query with { Owner = "solo" }, Ct)).Requests;

        Assert.Equal(Json(owner), Json(all));
        Assert.Equal(records.Count(r => r.Timestamp >= query.From && r.Timestamp < query.To), all.Total);
    }

    /// <summary>
    /// 420 calls over six hours from <see cref="BaseTime"/>, of key-a and key-b: every model shape (named, '' and
    /// none), status, error class, cache status and tool field, and latencies on and around every latency bucket
    /// edge, below zero and above the top bucket. Latencies are multiples of 0.5, so their sums are exact in any order.
    /// </summary>
    private static RequestRecord[] MixedRecords()
    {
        double[] edges = [-0.5, 0, 0.5, 99, 99.5, 100, 109.5, 110, 999.5, 1000, 1234.5, 9999.5, 10000, 99999.5, 100000, 123456.5, 1e15, 2e15];
        string?[] models = ["gpt-4o", "", null, "claude-sonnet-4", "gpt-4o"];
        string?[] cache = [null, "miss", "hit", "coalesced", "miss"];
        int[] statuses = [200, 200, 429, 200, 500, 200, 400];
        return [.. Enumerable.Range(0, 420).Select(i => Record(
                BaseTime.AddSeconds(i * 51.3), keyId: i % 3 == 0 ? "key-b" : "key-a", model: models[i % models.Length], statusCode: statuses[i % statuses.Length]) with
            {
                ErrorClass = statuses[i % statuses.Length] >= 400 ? "upstream_error" : i % 11 == 0 ? "stream_interrupted" : null,
                InputTokens = i % 97,
                OutputTokens = i % 13,
                CostUsd = i * 0.000001m,
                LatencyMs = i < edges.Length ? edges[i] : (i * 7919 % 6000) / 2.0,
                CacheStatus = cache[i % cache.Length],
                ToolsOffered = i % 3 == 1 ? 20 + i % 7 : null,
                ToolsSent = i % 3 == 1 ? 5 : null,
                ToolTokensOffered = i % 3 == 1 ? 2000 + i : null,
                ToolTokensSent = i % 3 == 1 ? 500 : null,
                ToolSearchRounds = i % 3 == 1 ? i % 2 : null,
            })];
    }

    private static double? NearestRank(List<double> sorted, double percentile)
        => sorted.Count == 0 ? null : sorted[(int)Math.Ceiling(percentile * sorted.Count) - 1];

    private static string Json(AnalyticsSection section)
        => JsonSerializer.Serialize(section, Gatehouse.Hosting.GatehouseApiJsonContext.Default.AnalyticsSection);

    /// <summary>
    /// Executions (range 12:00–15:00): two of owner "équipe" on key-a in hour 1, one of another owner on key-b in hour 2,
    /// one a microsecond before the range and one at its end. Requests: two of key-a (owner "équipe") in hour 1, one of
    /// key-b in the last microsecond of the range, one at its end.
    /// </summary>
    private static async Task SeedAsync(AnalyticsStores stores)
    {
        await stores.Keys.InsertAsync(Key("key-a") with { Owner = "équipe" }, Ct);
        await stores.Keys.InsertAsync(Key("key-b") with { Owner = "others" }, Ct);
        var micro = TimeSpan.FromTicks(10);

        Execution[] executions =
        [
            Execution(BaseTime.AddMinutes(10), "key-a", "équipe", ExecutionStatuses.Completed, "gpt-4o-mini", "prm_1", "résumé", 0.5m, 10, 5, 100, "hit"),
            Execution(BaseTime.AddMinutes(20), "key-a", "équipe", ExecutionStatuses.Failed, "gpt-4o-mini", "prm_1", "résumé", 0.000000000001m, 1, 0, 300, "miss"),
            Execution(BaseTime.AddMinutes(90), "key-b", "others", ExecutionStatuses.ValidationFailed, "ünïcode/模型", "prm_2", "second", 2m, 20, 10, 200, null),
            Execution(BaseTime - micro, "key-a", "équipe", ExecutionStatuses.Completed, "gpt-4o-mini", "prm_1", "résumé", 100m, 1, 1, 1, null),
            Execution(BaseTime.AddHours(3), "key-a", "équipe", ExecutionStatuses.Completed, "gpt-4o-mini", "prm_1", "résumé", 100m, 1, 1, 1, null),
        ];
        foreach (var e in executions)
        {
            await stores.Executions.InsertAsync(e, Ct);
        }

        await stores.Records.InsertBatchAsync(
        [
            Record(BaseTime.AddMinutes(5), keyId: "key-a") with
            {
                CostUsd = 1m, InputTokens = 10, OutputTokens = 5, LatencyMs = 50, CacheStatus = "hit",
                ToolsOffered = 10, ToolsSent = 2, ToolTokensOffered = 1000, ToolTokensSent = 300, ToolSearchRounds = 1,
            },
            Record(BaseTime.AddMinutes(6), keyId: "key-a", model: null) with
            {
                ErrorClass = "stream_interrupted", CostUsd = 0m, InputTokens = 0, OutputTokens = 0, LatencyMs = 150,
            },
            Record(BaseTime.AddHours(3) - micro, keyId: "key-b", statusCode: 429) with
            {
                CostUsd = 0m, InputTokens = 2, OutputTokens = 0, LatencyMs = 10, CacheStatus = "coalesced",
                ToolsOffered = 5, ToolsSent = 5, ToolTokensOffered = 100, ToolTokensSent = 100, ToolSearchRounds = 0,
            },
            Record(BaseTime.AddHours(3), keyId: "key-a") with { CostUsd = 50m, LatencyMs = 9999 },
        ], Ct);
    }

    private static AnalyticsQuery Query(DateTimeOffset from, DateTimeOffset to, string groupBy = "hour")
        => new() { From = from, To = to, GroupBy = groupBy };

    private static Execution Execution(
        DateTimeOffset createdAt, string keyId, string owner, string status, string model, string promptId, string promptSlug,
        decimal cost, int input, int output, double latency, string? cacheStatus)
    {
        var call = new RenderedCall { Model = model, Messages = JsonDocument.Parse("[]").RootElement.Clone() };
        return new Execution
        {
            Id = Guid.NewGuid(),
            CreatedAt = createdAt,
            CompletedAt = createdAt.AddMilliseconds(latency),
            PromptId = promptId,
            PromptSlug = promptSlug,
            KeyId = keyId,
            Owner = owner,
            Status = status,
            Attempts = [],
            ValidationStatus = status == ExecutionStatuses.ValidationFailed ? "failed" : "skipped",
            Model = model,
            InputTokens = input,
            OutputTokens = output,
            CostUsd = cost,
            LatencyMs = latency,
            CacheStatus = cacheStatus,
            Call = call,
            Messages = call.Messages,
        };
    }
}
