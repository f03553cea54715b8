using Gatehouse.Budgets;
using Gatehouse.Storage;
using Xunit;
using static Gatehouse.Tests.Storage.StorageTestData;

namespace Gatehouse.Tests.Storage;

/// <summary>What every <see cref="IBudgetStore"/> must do. A database gets these tests by subclassing.</summary>
public abstract class BudgetStoreContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store over a freshly migrated, empty database.</summary>
    private protected abstract Task<IBudgetStore> CreateStoreAsync();

    [Fact]
    public async Task Insert_ThenList_RoundTripsEveryField_InUtc()
    {
        var store = await CreateStoreAsync();
        var budget = Budget("bud_1") with
        {
            Name = "Équipe « growth » 🚀",
            Scope = BudgetScope.Owner,
            Subject = "team-ü@example.com",
            Period = BudgetPeriod.Month,
            LimitUsd = 9_000_000.000000000001m,
            AlertThresholds = [0.5m, 12.25m, 80m, 100m, 150m],
            CreatedAt = new DateTimeOffset(2025, 6, 1, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(15),
            UpdatedAt = BaseTime.AddDays(3),
        };

        await store.InsertAsync(budget, Ct);
        var loaded = Assert.Single(await store.ListAsync(Ct));

        AssertSameBudget(budget, loaded);
        Assert.Equal(TimeSpan.Zero, loaded.CreatedAt.Offset);
    }

    [Fact]
    public async Task Get_ReturnsThatBudget_AndNullForNoneOrADeletedOne()
    {
        var store = await CreateStoreAsync();
        var wanted = Budget("bud_wanted") with { Name = "wanted", Subject = "key_wanted" };
        await store.InsertAsync(Budget("bud_other"), Ct);
        await store.InsertAsync(wanted, Ct);

        var loaded = await store.GetAsync("bud_wanted", Ct);

        Assert.NotNull(loaded);
        Assert.Equal(("bud_wanted", "wanted", "key_wanted", 10m), (loaded.Id, loaded.Name, loaded.Subject, loaded.LimitUsd));
        Assert.Null(await store.GetAsync("bud_never", Ct));
        Assert.True(await store.DeleteAsync("bud_wanted", Ct));
        Assert.Null(await store.GetAsync("bud_wanted", Ct));
    }

    [Fact]
    public async Task Insert_NoNameNoThresholds_RoundTripAsNullAndEmpty()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1") with { Name = null, AlertThresholds = [], LimitUsd = 0.000000000001m }, Ct);

        var loaded = Assert.Single(await store.ListAsync(Ct));
        Assert.Null(loaded.Name);
        Assert.Empty(loaded.AlertThresholds);
        Assert.Equal(0.000000000001m, loaded.LimitUsd);
    }

    [Fact]
    public async Task Insert_SameSubjectScopeAndPeriod_IsAConflict_OtherPeriodOrScopeIsNot()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1"), Ct);

        await Assert.ThrowsAsync<StorageConflictException>(() => store.InsertAsync(Budget("bud_2"), Ct));
        await store.InsertAsync(Budget("bud_3") with { Period = BudgetPeriod.Total }, Ct);
        await store.InsertAsync(Budget("bud_4") with { Scope = BudgetScope.Owner }, Ct);

        Assert.Equal(["bud_1", "bud_3", "bud_4"], (await store.ListAsync(Ct)).Select(b => b.Id).Order());
    }

    [Fact]
    public async Task Insert_SameId_IsAConflict()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1"), Ct);

        await Assert.ThrowsAsync<StorageConflictException>(() => store.InsertAsync(Budget("bud_1") with { Subject = "other" }, Ct));
        Assert.Equal("key-a", Assert.Single(await store.ListAsync(Ct)).Subject);
    }

    [Fact]
    public async Task List_Empty_ReturnsNothing()
    {
        var store = await CreateStoreAsync();

        Assert.Empty(await store.ListAsync(Ct));
        Assert.Empty(await store.ListLatestSpendAsync(Ct));
    }

    [Fact]
    public async Task List_ReturnsOldestFirst_TiesById()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_c", subject: "c") with { CreatedAt = BaseTime.AddMinutes(1) }, Ct);
        await store.InsertAsync(Budget("bud_b", subject: "b"), Ct);
        await store.InsertAsync(Budget("bud_a", subject: "a") with { CreatedAt = BaseTime.AddMinutes(1) }, Ct);

        Assert.Equal(["bud_b", "bud_a", "bud_c"], (await store.ListAsync(Ct)).Select(b => b.Id));
    }

    [Fact]
    public async Task Update_ChangesNameLimitThresholdsAndUpdatedAt_OnlyThose()
    {
        var store = await CreateStoreAsync();
        var budget = Budget("bud_1");
        await store.InsertAsync(budget, Ct);

        var changed = budget with
        {
            Name = "renamed ✓",
            LimitUsd = 0.123456789012m,
            AlertThresholds = [90m],
            UpdatedAt = BaseTime.AddHours(5),
            Subject = "ignored", // scope, subject, period and creation are fixed at insert
            Period = BudgetPeriod.Total,
        };

        Assert.True(await store.UpdateAsync(changed, Ct));
        var loaded = Assert.Single(await store.ListAsync(Ct));
        Assert.Equal("renamed ✓", loaded.Name);
        Assert.Equal(0.123456789012m, loaded.LimitUsd);
        Assert.Equal([90m], loaded.AlertThresholds);
        Assert.Equal(BaseTime.AddHours(5), loaded.UpdatedAt);
        Assert.Equal("key-a", loaded.Subject);
        Assert.Equal(BudgetPeriod.Day, loaded.Period);
        Assert.Equal(budget.CreatedAt, loaded.CreatedAt);
    }

    [Fact]
    public async Task Update_UnknownId_ReturnsFalse_AndChangesNothing()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1"), Ct);

        Assert.False(await store.UpdateAsync(Budget("bud_unknown") with { Name = "x" }, Ct));
        Assert.Equal("budget bud_1", Assert.Single(await store.ListAsync(Ct)).Name);
    }

    [Fact]
    public async Task Delete_RemovesTheBudgetAndItsSpend_UnknownIdReturnsFalse()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1"), Ct);
        await store.InsertAsync(Budget("bud_2", subject: "key-b"), Ct);
        await store.SaveSpendAsync([Spend("bud_1", BaseTime, 1m), Spend("bud_2", BaseTime, 2m)], Ct);

        Assert.True(await store.DeleteAsync("bud_1", Ct));
        Assert.False(await store.DeleteAsync("bud_1", Ct));
        Assert.False(await store.DeleteAsync("bud_unknown", Ct));

        Assert.Equal("bud_2", Assert.Single(await store.ListAsync(Ct)).Id);
        Assert.Equal("bud_2", Assert.Single(await store.ListLatestSpendAsync(Ct)).BudgetId);

        // The subject is free again once its budget is gone, and the new budget starts with no spend.
        await store.InsertAsync(Budget("bud_3"), Ct);
        Assert.DoesNotContain(await store.ListLatestSpendAsync(Ct), s => s.BudgetId == "bud_3");
    }

    [Fact]
    public async Task SaveSpend_ThenListLatest_RoundTripsEveryField()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1"), Ct);
        var spend = new BudgetSpend("bud_1", BaseTime, 9_000_000.000000000001m, [50m, 80.5m], BaseTime.AddTicks(1_234_560));

        await store.SaveSpendAsync([spend], Ct);
        var loaded = Assert.Single(await store.ListLatestSpendAsync(Ct));

        Assert.Equal(spend.BudgetId, loaded.BudgetId);
        Assert.Equal(spend.PeriodStart, loaded.PeriodStart);
        Assert.Equal(spend.SpentUsd, loaded.SpentUsd);
        Assert.Equal(spend.AlertsFired, loaded.AlertsFired);
        Assert.Equal(spend.UpdatedAt, loaded.UpdatedAt);
    }

    [Fact]
    public async Task SaveSpend_SameRowAgain_ReplacesWithAbsoluteValues_NeverAdds()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1"), Ct);

        await store.SaveSpendAsync([Spend("bud_1", BaseTime, 1.5m)], Ct);
        await store.SaveSpendAsync([Spend("bud_1", BaseTime, 1.5m)], Ct); // a retried save
        await store.SaveSpendAsync([Spend("bud_1", BaseTime, 2.000000000001m) with { AlertsFired = [50m] }], Ct);

        var loaded = Assert.Single(await store.ListLatestSpendAsync(Ct));
        Assert.Equal(2.000000000001m, loaded.SpentUsd);
        Assert.Equal([50m], loaded.AlertsFired);
    }

    [Fact]
    public async Task ListLatestSpend_ReturnsEachBudgetsMostRecentPeriodOnly()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1"), Ct);
        await store.InsertAsync(Budget("bud_2", subject: "key-b"), Ct);
        await store.InsertAsync(Budget("bud_3", subject: "key-c"), Ct); // no spend yet
        await store.SaveSpendAsync(
        [
            Spend("bud_1", BaseTime.AddDays(1), 3m),
            Spend("bud_1", BaseTime, 1m),
            Spend("bud_1", BaseTime.AddDays(-1), 7m),
            Spend("bud_2", BaseTime.AddDays(-30), 0m),
        ], Ct);

        var latest = (await store.ListLatestSpendAsync(Ct)).OrderBy(s => s.BudgetId).ToList();

        Assert.Equal(2, latest.Count);
        Assert.Equal(("bud_1", BaseTime.AddDays(1), 3m), (latest[0].BudgetId, latest[0].PeriodStart, latest[0].SpentUsd));
        Assert.Equal(("bud_2", BaseTime.AddDays(-30), 0m), (latest[1].BudgetId, latest[1].PeriodStart, latest[1].SpentUsd));
    }

    [Fact]
    public async Task SaveSpend_RowOfADeletedBudget_IsSkipped_TheRestOfTheBatchIsSaved()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1"), Ct);
        await store.InsertAsync(Budget("bud_gone", subject: "key-b"), Ct);
        await store.DeleteAsync("bud_gone", Ct);

        await store.SaveSpendAsync([Spend("bud_gone", BaseTime, 5m), Spend("bud_1", BaseTime, 1m), Spend("bud_never", BaseTime, 9m)], Ct);

        Assert.Equal("bud_1", Assert.Single(await store.ListLatestSpendAsync(Ct)).BudgetId);
    }

    [Fact]
    public async Task SaveSpend_Empty_DoesNothing()
    {
        var store = await CreateStoreAsync();

        await store.SaveSpendAsync([], Ct);

        Assert.Empty(await store.ListLatestSpendAsync(Ct));
    }

    [Fact]
    public async Task SaveSpend_ConcurrentSavesOfTheSameRows_AllSucceed_OneOfThemWins()
    {
        // Several replicas save the same budget's period at once: an upsert, never a duplicate-key error.
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1"), Ct);
        await store.InsertAsync(Budget("bud_2", subject: "key-b"), Ct);

        await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(
            () => store.SaveSpendAsync([Spend("bud_1", BaseTime, i), Spend("bud_2", BaseTime, i)], Ct), Ct)));

        var latest = await store.ListLatestSpendAsync(Ct);
        Assert.Equal(2, latest.Count);
        Assert.All(latest, s => Assert.InRange(s.SpentUsd, 1m, 8m));
    }

    [Fact]
    public async Task SaveSpend_APeriodBeforeTheEpochAndFarInTheFuture_RoundTrip()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Budget("bud_1"), Ct);
        var past = new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero);
        var future = new DateTimeOffset(9999, 12, 1, 0, 0, 0, TimeSpan.Zero);

        await store.SaveSpendAsync([Spend("bud_1", past, 1m)], Ct);
        Assert.Equal(past, Assert.Single(await store.ListLatestSpendAsync(Ct)).PeriodStart);

        await store.SaveSpendAsync([Spend("bud_1", future, 2m)], Ct);
        Assert.Equal(future, Assert.Single(await store.ListLatestSpendAsync(Ct)).PeriodStart);
    }

    private static Budget Budget(string id, string subject = "key-a") => new()
    {
        Id = id,
        Name = "budget " + id,
        Scope = BudgetScope.Key,
        Subject = subject,
        Period = BudgetPeriod.Day,
        LimitUsd = 10m,
        AlertThresholds = Gatehouse.Budgets.Budget.DefaultThresholds,
        CreatedAt = BaseTime,
        UpdatedAt = BaseTime,
    };

    private static BudgetSpend Spend(string budgetId, DateTimeOffset periodStart, decimal spent)
        => new(budgetId, periodStart, spent, [], BaseTime);

    private static void AssertSameBudget(Budget expected, Budget actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Scope, actual.Scope);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Period, actual.Period);
        Assert.Equal(expected.LimitUsd, actual.LimitUsd);
        Assert.Equal(expected.AlertThresholds, actual.AlertThresholds);
        Assert.Equal(expected.CreatedAt.AddTicks(-5), actual.CreatedAt); // sub-microsecond ticks are dropped
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
    }
}
