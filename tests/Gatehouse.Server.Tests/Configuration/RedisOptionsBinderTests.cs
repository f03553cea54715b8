using Gatehouse.Configuration;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Gatehouse.Tests.Configuration;

/// <summary><c>Gatehouse:Redis</c> through the strict binder and the validator.</summary>
public sealed class RedisOptionsBinderTests
{
    private static GatehouseOptions Bind(params (string Key, string Value)[] settings) =>
        GatehouseOptionsBinder.Bind(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Defaults_share_limits_per_replica_and_fail_budgets_closed()
    {
        var redis = Bind().Redis;

        Assert.Equal("gatehouse:", redis.KeyPrefix);
        Assert.False(redis.RequiredAtStart);
        Assert.Equal(RedisLimitsPolicy.PerReplicaShare, redis.LimitsWhenUnreachable);
        Assert.Equal(RedisBudgetsPolicy.FailClosed, redis.BudgetsWhenUnreachable);
    }

    [Fact]
    public void Every_setting_binds()
    {
        var redis = Bind(
            ("Gatehouse:Redis:KeyPrefix", "gh-eu:"),
            ("Gatehouse:Redis:RequiredAtStart", "true"),
            ("Gatehouse:Redis:ConnectTimeoutMilliseconds", "500"),
            ("Gatehouse:Redis:LimitsWhenUnreachable", "FailClosed"),
            ("Gatehouse:Redis:BudgetsWhenUnreachable", "FailOpenPerReplicaShare"),
            ("Gatehouse:Redis:HeartbeatSeconds", "2"),
            ("Gatehouse:Redis:ReservationTimeoutSeconds", "60")).Redis;

        Assert.Equal("gh-eu:", redis.KeyPrefix);
        Assert.True(redis.RequiredAtStart);
        Assert.Equal(500, redis.ConnectTimeoutMilliseconds);
        Assert.Equal(RedisLimitsPolicy.FailClosed, redis.LimitsWhenUnreachable);
        Assert.Equal(RedisBudgetsPolicy.FailOpenPerReplicaShare, redis.BudgetsWhenUnreachable);
        Assert.Equal(2, redis.HeartbeatSeconds);
        Assert.Equal(60, redis.ReservationTimeoutSeconds);
    }

    [Fact]
    public void A_misspelt_redis_key_is_named()
    {
        var error = Assert.Throws<GatehouseConfigurationException>(() => Bind(("Gatehouse:Redis:KeyPrefx", "x")));

        Assert.Contains("Gatehouse:Redis", error.Message, StringComparison.Ordinal);
        Assert.Contains("KeyPrefx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_policy_is_named()
    {
        var error = Assert.Throws<GatehouseConfigurationException>(() => Bind(("Gatehouse:Redis:BudgetsWhenUnreachable", "Sometimes")));

        Assert.Contains("Gatehouse:Redis", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gatehouse:Redis:KeyPrefix", "", "KeyPrefix")]
    [InlineData("Gatehouse:Redis:HeartbeatSeconds", "0", "HeartbeatSeconds")]
    [InlineData("Gatehouse:Redis:ReservationTimeoutSeconds", "5", "ReservationTimeoutSeconds")]
    [InlineData("Gatehouse:Redis:ConnectTimeoutMilliseconds", "10", "ConnectTimeoutMilliseconds")]
    public void An_out_of_range_value_fails_validation_naming_the_key(string key, string value, string named)
    {
        var options = Bind((key, value));

        var result = new GatehouseOptionsValidator(static _ => null).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Gatehouse:Redis:{named}", result.FailureMessage, StringComparison.Ordinal);
    }
}
