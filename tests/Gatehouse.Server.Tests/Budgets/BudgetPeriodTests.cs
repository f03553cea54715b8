using System.Net;
using Gatehouse.Budgets;
using Gatehouse.Hosting;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Gatehouse.Tests.Budgets.BudgetFixture;

namespace Gatehouse.Tests.Budgets;

/// <summary>Day and month budgets reset on the UTC calendar; budget time runs on a FakeTimeProvider.</summary>
public sealed class BudgetPeriodTests
{
    [Theory]
    [InlineData("2026-03-10T23:59:59.9999999+00:00", "day", "2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z")]
    [InlineData("2026-03-10T23:30:00-02:00", "day", "2026-03-11T00:00:00Z", "2026-03-12T00:00:00Z")]
    [InlineData("2026-01-31T12:00:00Z", "month", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")]
    [InlineData("2028-02-29T08:00:00Z", "month", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z")]
    [InlineData("2026-12-31T23:59:59Z", "month", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    public void Periods_FollowTheUtcCalendar(string now, string period, string start, string end)
    {
        Assert.True(BudgetNames.TryParsePeriod(period, out var parsed));

        var periodStart = BudgetPeriods.StartOf(parsed, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), periodStart);
        Assert.Equal(TimeSpan.Zero, periodStart.Offset);
        Assert.Equal(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture), BudgetPeriods.EndOf(parsed, periodStart));
    }

    [Fact]
    public void Total_NeverEnds()
    {
        Assert.Equal(DateTimeOffset.UnixEpoch, BudgetPeriods.StartOf(BudgetPeriod.Total, DateTimeOffset.UtcNow));
        Assert.Null(BudgetPeriods.EndOf(BudgetPeriod.Total, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task DayBudget_ResetsAtUtcMidnight_MonthBudgetKeepsCounting()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 31, 23, 58, 0, TimeSpan.Zero));
        await using var fixture = await BudgetFixture.StartAsync();
        await using var server = await GatehouseServer.StartAsync(fixture.Config(), configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(PolicyClock.ServiceKey, clock));
        var (keyId, client) = await CreateKeyAsync(server, "daily");
        var day = (await CreateBudgetAsync(server, new { keyId, period = "day", limitUsd = 1.5m * CallCost })).GetProperty("id").GetString()!;
        var month = (await CreateBudgetAsync(server, new { keyId, period = "month", limitUsd = 1m })).GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
        var refused = await CallAsync(client);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Contains("period day (resets 2026-04-01T00:00:00Z)", ErrorMessage(refused.Body), StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMinutes(2)); // 00:00 on the 1st of April: a new day and a new month

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
        var dayAfter = await SettledBudgetAsync(server, day);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), dayAfter.GetProperty("periodStart").GetDateTimeOffset());
        Assert.Equal(CallCost, Usd(dayAfter, "spentUsd"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await CallAsync(client)).Status);

        var monthAfter = await SettledBudgetAsync(server, month);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), monthAfter.GetProperty("periodStart").GetDateTimeOffset());
        Assert.Equal(CallCost, Usd(monthAfter, "spentUsd"));

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
        Assert.Equal(2 * CallCost, Usd(await SettledBudgetAsync(server, month), "spentUsd"));
        Assert.Equal(CallCost, Usd(await SettledBudgetAsync(server, day), "spentUsd"));
    }
}
