using System.Globalization;

namespace Gatehouse.Simulator;

/// <summary>
/// The behaviour chosen for one request: the profile's values and rates, overridden by the
/// <c>x-gatehouse-sim-*</c> request headers.
/// </summary>
internal readonly record struct SimulatorRequestOptions(
    SimulatedFault Fault,
    int ErrorStatus,
    int RetryAfterSeconds,
    int TimeToFirstTokenMs,
    double TokensPerSecond)
{
    public const string FaultHeader = "x-gatehouse-sim-fault";
    public const string ErrorStatusHeader = "x-gatehouse-sim-error-status";
    public const string RetryAfterHeader = "x-gatehouse-sim-retry-after";
    public const string TimeToFirstTokenHeader = "x-gatehouse-sim-ttft-ms";
    public const string TokensPerSecondHeader = "x-gatehouse-sim-tps";

    public static SimulatorRequestOptions Resolve(HttpRequestMessage request, SimulationProfile profile)
    {
        var headers = request.Headers;
        var fault = TryGet(headers, FaultHeader) is { } name ? ParseFault(name) : RollFault(profile);
        var status = TryGetInt(headers, ErrorStatusHeader) ?? 500;
        var retryAfter = TryGetInt(headers, RetryAfterHeader) ?? profile.RetryAfterSeconds;
        var ttft = TryGetInt(headers, TimeToFirstTokenHeader) ?? profile.TimeToFirstTokenMs;
        var tps = double.TryParse(TryGet(headers, TokensPerSecondHeader), NumberStyles.Float, CultureInfo.InvariantCulture, out var t)
            ? t
            : profile.TokensPerSecond;
        return new(fault, status is >= 400 and <= 599 ? status : 500, Math.Max(0, retryAfter), Math.Clamp(ttft, 0, (int)MaxDelay.TotalMilliseconds), tps);
    }

    /// <summary>
    /// The longest any simulated delay lasts, whatever the headers ask (<c>x-gatehouse-sim-tps: 1e-300</c>
    /// overflowed <see cref="TimeSpan"/>; <c>x-gatehouse-sim-ttft-ms: 2147483647</c> held a call 24 days):
    /// longer than any deployment timeout worth simulating, short enough that nothing waits unbounded.
    /// </summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    /// <summary>The delay for producing <paramref name="tokens"/> tokens at this speed, at most <see cref="MaxDelay"/>.</summary>
    public TimeSpan TokenDelay(double tokens)
    {
        if (!(TokensPerSecond > 0) || !(tokens > 0))
        {
            return TimeSpan.Zero;
        }

        var seconds = tokens / TokensPerSecond;
        return seconds < MaxDelay.TotalSeconds ? TimeSpan.FromSeconds(seconds) : MaxDelay;
    }

    private static SimulatedFault ParseFault(string value) => value.Trim() switch
    {
        var v when v.Equals("error", StringComparison.OrdinalIgnoreCase) => SimulatedFault.Error,
        var v when v.Equals("rate_limit", StringComparison.OrdinalIgnoreCase) => SimulatedFault.RateLimit,
        var v when v.Equals("timeout", StringComparison.OrdinalIgnoreCase) => SimulatedFault.Timeout,
        var v when v.Equals("cut_stream", StringComparison.OrdinalIgnoreCase) => SimulatedFault.CutStream,
        var v when v.Equals("malformed", StringComparison.OrdinalIgnoreCase) => SimulatedFault.Malformed,
        _ => SimulatedFault.None,
    };

    // Rates are statistical, not part of the deterministic answer, so the shared generator is right here.
#pragma warning disable CA5394 // Random is not used for security.
    private static SimulatedFault RollFault(SimulationProfile p)
    {
        if (p.ErrorRate <= 0 && p.RateLimitRate <= 0 && p.TimeoutRate <= 0 && p.CutStreamRate <= 0 && p.MalformedRate <= 0)
        {
            return SimulatedFault.None;
        }

        var roll = Random.Shared.NextDouble();
        if ((roll -= p.ErrorRate) < 0) return SimulatedFault.Error;
        if ((roll -= p.RateLimitRate) < 0) return SimulatedFault.RateLimit;
        if ((roll -= p.TimeoutRate) < 0) return SimulatedFault.Timeout;
        if ((roll -= p.CutStreamRate) < 0) return SimulatedFault.CutStream;
        return roll - p.MalformedRate < 0 ? SimulatedFault.Malformed : SimulatedFault.None;
    }
#pragma warning restore CA5394

    private static string? TryGet(System.Net.Http.Headers.HttpRequestHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static int? TryGetInt(System.Net.Http.Headers.HttpRequestHeaders headers, string name) =>
        int.TryParse(TryGet(headers, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
