namespace Gatehouse.Hosting;

/// <summary>
/// The clock that policies judge by: retry delays, circuit-breaker windows, token-limit refill,
/// cache expiry, degradation re-evaluation, key expiry. Tests
/// register a FakeTimeProvider under <see cref="ServiceKey"/> to move it by hand, while the
/// plumbing (record batching, latency measurement) keeps real time; without one it is the app's clock.
/// </summary>
internal static class PolicyClock
{
    public const string ServiceKey = "gatehouse-policy-clock";

    public static TimeProvider From(IServiceProvider services) =>
        services.GetKeyedService<TimeProvider>(ServiceKey) ?? services.GetRequiredService<TimeProvider>();
}
