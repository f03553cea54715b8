using System.Text.Json;
using Gatehouse.Executions;
using Gatehouse.Storage;
using Xunit;
using static Gatehouse.Tests.Storage.StorageTestData;

namespace Gatehouse.Tests.Storage;

/// <summary>What every <see cref="IExecutionStore"/> must do. A database gets these tests by subclassing.</summary>
public abstract class ExecutionStoreContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store over a freshly migrated, empty database.</summary>
    private protected abstract Task<IExecutionStore> CreateStoreAsync();

    [Fact]
    public async Task Insert_ThenGet_RoundTripsEveryField()
    {
        var store = await CreateStoreAsync();
        var call = new RenderedCall
        {
            Model = "gpt-4o-mini",
            Messages = Json("""[{"role":"system","content":"Réponds en français 🚀"},{"role":"user","content":"\"quoted\" \\ back\nslash"}]"""),
            Parameters = Json("""{"temperature":0.2,"max_tokens":512}"""),
            Tools = Json("""[{"type":"function","function":{"name":"lookup"}}]"""),
            OutputSchema = Json("""{"type":"object","required":["answer"]}"""),
            JsonOutput = true,
            MaxRepairAttempts = 2,
        };
        var execution = Execution(Guid.NewGuid(), new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(1_234_565)) with
        {
            CompletedAt = BaseTime.AddSeconds(3),
            PromptId = "prm_1",
            PromptSlug = "résumé-ü",
            PromptVersionId = "ver_1",
            Label = "production",
            Owner = "équipe@example.com",
            Status = ExecutionStatuses.ValidationFailed,
            ErrorClass = "validation",
            ErrorMessage = "The output did not match: ‘answer’ missing",
            Retryable = true,
            RepairCount = 2,
            Attempts =
            [
                new ExecutionAttempt { Number = 1, RequestId = Guid.NewGuid(), StatusCode = 200, Deployment = "azure/gpt", InputTokens = 10, OutputTokens = 4, CostUsd = 0.000000000001m, LatencyMs = 1.5, CacheStatus = "miss", RawOutput = "{}", ValidationStatus = "failed", ValidationErrors = [new ValidationIssue("/answer", "required")] },
                new ExecutionAttempt { Number = 2, StatusCode = 504, ErrorClass = "upstream_timeout", ErrorMessage = "timeout", ValidationStatus = "skipped" },
            ],
            Inputs = Json("""{"name":"Zoë","n":1.5e3,"list":[1,null,true]}"""),
            RawOutput = "{\"answer\": null}",
            Output = Json("""{"answer":null}"""),
            ToolCalls = Json("""[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{}"}}]"""),
            ValidationStatus = "failed",
            ValidationErrors = [new ValidationIssue("", "not an object"), new ValidationIssue("/a/0", "ünïcode")],
            Model = "ünïcode/model",
            Deployment = "azure-east/gpt-4o-mini",
            InputTokens = int.MaxValue,
            OutputTokens = 0,
            CostUsd = 9_000_000.000000000001m,
            LatencyMs = 1234.5678,
            CacheStatus = "coalesced",
            Streamed = true,
            RetryOf = Guid.NewGuid(),
            Call = call,
            Messages = call.Messages,
            Overrides = new ExecutionOverrides("claude-sonnet", 0.7, 100),
        };

        await store.InsertAsync(execution, Ct);
        var loaded = await store.GetAsync(execution.Id, Ct);

        Assert.NotNull(loaded);
        AssertSameExecution(execution, loaded);
        Assert.Equal(execution.CreatedAt.AddTicks(-5), loaded.CreatedAt); // sub-microsecond ticks are dropped
        Assert.Equal(TimeSpan.Zero, loaded.CreatedAt.Offset);
    }

    [Fact]
    public async Task Insert_ModelTextHoldingNul_IsKept_AsNulOrAsTheReplacementCharacter()
    {
        // A model's raw output and an upstream's error are not the caller's to clean; PostgreSQL's text cannot hold U+0000.
        var store = await CreateStoreAsync();
        var execution = Execution(Guid.NewGuid(), BaseTime) with { RawOutput = "out\0put", ErrorMessage = "upstream said \0" };

        await store.InsertAsync(execution, Ct);
        var loaded = await store.GetAsync(execution.Id, Ct);

        Assert.NotNull(loaded);
        Assert.Equal(execution.RawOutput, loaded.RawOutput!.Replace('\uFFFD', '\0'));
        Assert.Equal(execution.ErrorMessage, loaded.ErrorMessage!.Replace('\uFFFD', '\0'));
    }

    [Fact]
    public async Task Insert_OptionalFieldsEmpty_RoundTripAsNullAndEmpty()
    {
        var store = await CreateStoreAsync();
        var execution = Execution(Guid.NewGuid(), BaseTime);

        await store.InsertAsync(execution, Ct);
        var loaded = await store.GetAsync(execution.Id, Ct);

        Assert.NotNull(loaded);
        AssertSameExecution(execution, loaded);
        Assert.Null(loaded.PromptId);
        Assert.Null(loaded.Owner);
        Assert.Null(loaded.Inputs);
        Assert.Null(loaded.Output);
        Assert.Null(loaded.ToolCalls);
        Assert.Null(loaded.RetryOf);
        Assert.Null(loaded.Overrides);
        Assert.Null(loaded.Call.Parameters);
        Assert.Empty(loaded.Attempts);
        Assert.Empty(loaded.ValidationErrors);
    }

    [Fact]
    public async Task Insert_SameIdTwice_KeepsTheFirst()
    {
        var store = await CreateStoreAsync();
        var id = Guid.NewGuid();
        await store.InsertAsync(Execution(id, BaseTime) with { Label = "first" }, Ct);

        await store.InsertAsync(Execution(id, BaseTime) with { Label = "second" }, Ct);

        Assert.Equal("first", (await store.GetAsync(id, Ct))!.Label);
        Assert.Single((await store.QueryAsync(new ExecutionQuery(), Ct)).Items);
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsNull()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Execution(Guid.NewGuid(), BaseTime), Ct);

        Assert.Null(await store.GetAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Query_Empty_ReturnsNoItemsAndNoCursor()
    {
        var store = await CreateStoreAsync();

        var page = await store.QueryAsync(new ExecutionQuery(), Ct);

        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Query_CursorPaging_NewestFirst_VisitsEveryExecutionOnce_TiesById()
    {
        var store = await CreateStoreAsync();
        var all = new List<Execution>();
        for (var i = 0; i < 11; i++)
        {
            // Pairs share a start time, so the order and the cursor must fall back to the id.
            var execution = Execution(Guid.NewGuid(), BaseTime.AddSeconds(i / 2));
            all.Add(execution);
            await store.InsertAsync(execution, Ct);
        }

        var expected = all.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id.ToString("D"), StringComparer.Ordinal).Select(e => e.Id).ToList();
        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await store.QueryAsync(new ExecutionQuery { Limit = 3, Cursor = cursor }, Ct);
            Assert.InRange(page.Items.Count, 1, 3);
            seen.AddRange(page.Items.Select(e => e.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task Query_ExactlyAPageLeft_HasNoNextCursor()
    {
        var store = await CreateStoreAsync();
        for (var i = 0; i < 3; i++)
        {
            await store.InsertAsync(Execution(Guid.NewGuid(), BaseTime.AddSeconds(i)), Ct);
        }

        var page = await store.QueryAsync(new ExecutionQuery { Limit = 3 }, Ct);

        Assert.Equal(3, page.Items.Count);
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task Query_LimitBelowOne_ReturnsOne(int limit)
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Execution(Guid.NewGuid(), BaseTime), Ct);
        await store.InsertAsync(Execution(Guid.NewGuid(), BaseTime.AddSeconds(1)), Ct);

        var page = await store.QueryAsync(new ExecutionQuery { Limit = limit }, Ct);

        Assert.Single(page.Items);
        Assert.NotNull(page.NextCursor);
    }

    [Fact]
    public async Task Query_EachFilter_SelectsOnlyItsExecutions()
    {
        var store = await CreateStoreAsync();
        var retried = Guid.NewGuid();
        var baseline = Execution(Guid.NewGuid(), BaseTime);
        var owned = Execution(Guid.NewGuid(), BaseTime.AddMinutes(1)) with { Owner = "équipe-ü 🚀" };
        var keyed = Execution(Guid.NewGuid(), BaseTime.AddMinutes(2)) with { KeyId = "vk_other" };
        var byId = Execution(Guid.NewGuid(), BaseTime.AddMinutes(3)) with { PromptId = "prm_x", PromptSlug = "other-slug" };
        var bySlug = Execution(Guid.NewGuid(), BaseTime.AddMinutes(4)) with { PromptId = "prm_y", PromptSlug = "prm_x" };
        var versioned = Execution(Guid.NewGuid(), BaseTime.AddMinutes(5)) with { PromptVersionId = "ver_9" };
        var failed = Execution(Guid.NewGuid(), BaseTime.AddMinutes(6)) with { Status = ExecutionStatuses.Failed };
        var modelled = Execution(Guid.NewGuid(), BaseTime.AddMinutes(7)) with { Model = "claude-sonnet" };
        var retry = Execution(Guid.NewGuid(), BaseTime.AddMinutes(8)) with { RetryOf = retried };
        foreach (var e in new[] { baseline, owned, keyed, byId, bySlug, versioned, failed, modelled, retry })
        {
            await store.InsertAsync(e, Ct);
        }

        async Task<Guid[]> Ids(ExecutionQuery q) => [.. (await store.QueryAsync(q, Ct)).Items.Select(e => e.Id)];

        Assert.Equal([owned.Id], await Ids(new ExecutionQuery { Owner = "équipe-ü 🚀" }));
        Assert.Equal([keyed.Id], await Ids(new ExecutionQuery { KeyId = "vk_other" }));
        Assert.Equal([bySlug.Id, byId.Id], await Ids(new ExecutionQuery { Prompt = "prm_x" }));
        Assert.Equal([versioned.Id], await Ids(new ExecutionQuery { VersionId = "ver_9" }));
        Assert.Equal([failed.Id], await Ids(new ExecutionQuery { Status = ExecutionStatuses.Failed }));
        Assert.Equal([modelled.Id], await Ids(new ExecutionQuery { Model = "claude-sonnet" }));
        Assert.Equal([retry.Id], await Ids(new ExecutionQuery { RetryOf = retried }));
        Assert.Empty(await Ids(new ExecutionQuery { Owner = "équipe-u 🚀" })); // exact match, no accent folding
        Assert.Empty(await Ids(new ExecutionQuery { KeyId = "vk_other", Model = "claude-sonnet" })); // filters combine
    }

    [Fact]
    public async Task Query_FromIsInclusive_ToIsExclusive()
    {
        var store = await CreateStoreAsync();
        var before = Execution(Guid.NewGuid(), BaseTime.AddTicks(-10));
        var atFrom = Execution(Guid.NewGuid(), BaseTime);
        var inside = Execution(Guid.NewGuid(), BaseTime.AddHours(1));
        var atTo = Execution(Guid.NewGuid(), BaseTime.AddHours(2));
        foreach (var e in new[] { before, atFrom, inside, atTo })
        {
            await store.InsertAsync(e, Ct);
        }

        var page = await store.QueryAsync(new ExecutionQuery { From = BaseTime, To = BaseTime.AddHours(2) }, Ct);

        Assert.Equal([inside.Id, atFrom.Id], page.Items.Select(e => e.Id));
    }

    [Fact]
    public async Task Query_UnknownStatus_ThrowsArgumentException()
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new ExecutionQuery { Status = "done'; DROP TABLE executions; --" }, Ct));
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("")]
    [InlineData("🚀🚀🚀")]
    public async Task Query_ACursorItDidNotProduce_ThrowsArgumentException(string cursor)
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new ExecutionQuery { Cursor = cursor }, Ct));
    }

    [Fact]
    public async Task Insert_TenConcurrently_AllLand()
    {
        var store = await CreateStoreAsync();

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => store.InsertAsync(Execution(Guid.NewGuid(), BaseTime.AddSeconds(i)), Ct), Ct)));

        Assert.Equal(10, (await store.QueryAsync(new ExecutionQuery { Limit = 50 }, Ct)).Items.Count);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static Execution Execution(Guid id, DateTimeOffset createdAt)
    {
        var call = new RenderedCall { Model = "gpt-4o-mini", Messages = Json("""[{"role":"user","content":"hi"}]""") };
        return new Execution
        {
            Id = id,
            CreatedAt = createdAt,
            CompletedAt = createdAt.AddSeconds(1),
            KeyId = "vk_1",
            Status = ExecutionStatuses.Completed,
            Attempts = [],
            ValidationStatus = "skipped",
            Model = "gpt-4o-mini",
            LatencyMs = 10,
            Call = call,
            Messages = call.Messages,
        };
    }

    private static void AssertSameExecution(Execution expected, Execution actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(StorageValues.FromUnixMicroseconds(StorageValues.ToUnixMicroseconds(expected.CreatedAt)), actual.CreatedAt);
        Assert.Equal(expected.CompletedAt, actual.CompletedAt);
        Assert.Equal(expected.PromptId, actual.PromptId);
        Assert.Equal(expected.PromptSlug, actual.PromptSlug);
        Assert.Equal(expected.PromptVersionId, actual.PromptVersionId);
        Assert.Equal(expected.Label, actual.Label);
        Assert.Equal(expected.KeyId, actual.KeyId);
        Assert.Equal(expected.Owner, actual.Owner);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ErrorClass, actual.ErrorClass);
        Assert.Equal(expected.ErrorMessage, actual.ErrorMessage);
        Assert.Equal(expected.Retryable, actual.Retryable);
        Assert.Equal(expected.RepairCount, actual.RepairCount);
        Assert.Equal(expected.Attempts.Count, actual.Attempts.Count);
        for (var i = 0; i < expected.Attempts.Count; i++)
        {
            Assert.Equal(expected.Attempts[i] with { ValidationErrors = [] }, actual.Attempts[i] with { ValidationErrors = [] });
            Assert.Equal(expected.Attempts[i].ValidationErrors, actual.Attempts[i].ValidationErrors);
        }

        AssertSameJson(expected.Inputs, actual.Inputs);
        AssertSameJson(expected.Messages, actual.Messages);
        Assert.Equal(expected.RawOutput, actual.RawOutput);
        AssertSameJson(expected.Output, actual.Output);
        AssertSameJson(expected.ToolCalls, actual.ToolCalls);
        Assert.Equal(expected.ValidationStatus, actual.ValidationStatus);
        Assert.Equal(expected.ValidationErrors, actual.ValidationErrors);
        Assert.Equal(expected.Model, actual.Model);
        Assert.Equal(expected.Deployment, actual.Deployment);
        Assert.Equal(expected.InputTokens, actual.InputTokens);
        Assert.Equal(expected.OutputTokens, actual.OutputTokens);
        Assert.Equal(expected.CostUsd, actual.CostUsd);
        Assert.Equal(expected.LatencyMs, actual.LatencyMs);
        Assert.Equal(expected.CacheStatus, actual.CacheStatus);
        Assert.Equal(expected.Streamed, actual.Streamed);
        Assert.Equal(expected.RetryOf, actual.RetryOf);
        Assert.Equal(expected.Call.Model, actual.Call.Model);
        AssertSameJson(expected.Call.Messages, actual.Call.Messages);
        AssertSameJson(expected.Call.Parameters, actual.Call.Parameters);
        AssertSameJson(expected.Call.Tools, actual.Call.Tools);
        AssertSameJson(expected.Call.OutputSchema, actual.Call.OutputSchema);
        Assert.Equal(expected.Call.JsonOutput, actual.Call.JsonOutput);
        Assert.Equal(expected.Call.MaxRepairAttempts, actual.Call.MaxRepairAttempts);
        Assert.Equal(expected.Overrides, actual.Overrides);
    }

    /// <summary>Equal as JSON values (a store may normalise whitespace or member order, e.g. jsonb).</summary>
    private static void AssertSameJson(JsonElement? expected, JsonElement? actual)
    {
        Assert.Equal(expected.HasValue, actual.HasValue);
        if (expected is { } e && actual is { } a)
        {
            Assert.True(JsonElement.DeepEquals(e, a), $"Expected {e.GetRawText()} but got {a.GetRawText()}");
        }
    }
}
