using System.Threading.RateLimiting;
using Gatehouse.Routing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Routing;

public sealed class TokensPerMinuteLimiterTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Reserve_WhatDoesNotFit_IsRefusedWithTheTimeTheRefillNeeds()
    {
        using var limiter = new TokensPerMinuteLimiter(600, _clock); // refills 10 a second

        Assert.True(limiter.Reserve(550).IsAcquired);
        var refused = limiter.Reserve(100);

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(5), retryAfter);
        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(limiter.Reserve(100).IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(limiter.Reserve(100).IsAcquired);
        Assert.Equal(0, limiter.Remaining);
    }

    [Fact]
    public void Settle_Overestimate_GivesTheDifferenceBack()
    {
        using var limiter = new TokensPerMinuteLimiter(1000, _clock);
        var reservation = limiter.Reserve(800);
        Assert.Equal(200, limiter.Remaining);

        reservation.Settle(120);

        Assert.Equal(880, limiter.Remaining);
        Assert.True(limiter.Reserve(800).IsAcquired);
    }

    [Fact]
    public void Settle_Overrun_IsChargedEvenBelowZero_AndPaidOffByTheRefill()
    {
        using var limiter = new TokensPerMinuteLimiter(600, _clock);
        limiter.Reserve(100).Settle(700);

        Assert.Equal(0, limiter.Remaining);
        var refused = limiter.Reserve(0);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(10.1), retryAfter); // 100 in debt, then 1 token, at 10 a second
    }

    [Fact]
    public void Settle_CountsOnce_AndNeverFillsBeyondAMinute()
    {
        using var limiter = new TokensPerMinuteLimiter(1000, _clock);
        var reservation = limiter.Reserve(300);
        _clock.Advance(TimeSpan.FromMinutes(1));

        reservation.Settle(0);
        reservation.Settle(0);

        Assert.Equal(1000, limiter.Remaining);
        Assert.True(limiter.Reserve(1000).IsAcquired);
        Assert.False(limiter.Reserve(1).IsAcquired);
    }

    [Fact]
    public void Reserve_LargerThanAMinute_TakesTheWholeMinute_OnlyWhenFull()
    {
        using var limiter = new TokensPerMinuteLimiter(100, _clock);

        var huge = limiter.Reserve(5000);

        Assert.True(huge.IsAcquired);
        Assert.Equal(100, huge.Tokens);
        Assert.False(limiter.Reserve(5000).IsAcquired);
    }

    [Fact]
    public void UnsettledReservation_StaysSpent()
    {
        using var limiter = new TokensPerMinuteLimiter(100, _clock);
        using (limiter.Reserve(60))
        {
        }

        Assert.Equal(40, limiter.Remaining);
        Assert.Equal(1, limiter.GetStatistics().TotalSuccessfulLeases);
    }
}
