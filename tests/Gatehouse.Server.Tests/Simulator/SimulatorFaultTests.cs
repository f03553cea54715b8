using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Simulator;
using Xunit;

namespace Gatehouse.Tests.Simulator;

public sealed class SimulatorFaultTests : IDisposable
{
    private readonly SimulatorHarness _sim = new();

    [Theory]
    [InlineData(null, 500, "server_error")]
    [InlineData("503", 503, "service_unavailable")]
    [InlineData("502", 502, "server_error")]
    public async Task ErrorHeader_ReturnsOpenAIErrorWithStatus(string? status, int expected, string type)
    {
        (string, string)[] headers = status is null
            ? [("x-gatehouse-sim-fault", "error")]
            : [("x-gatehouse-sim-fault", "error"), ("x-gatehouse-sim-error-status", status)];
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(), expected, headers);
        Assert.Equal(type, (string)json["error"]!["type"]!);
        Assert.Contains("simulat", (string)json["error"]!["message"]!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RateLimitHeader_Returns429WithRetryAfter()
    {
        using var response = await _sim.SendAsync(
            "chat/completions", SimulatorHarness.Chat(), ("x-gatehouse-sim-fault", "rate_limit"), ("x-gatehouse-sim-retry-after", "7"));
        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("rate_limit_exceeded", (string)json["error"]!["code"]!);
    }

    [Fact]
    public async Task CutStreamHeader_Stream_EndsMidwayWithoutFinishOrDone()
    {
        var body = SimulatorHarness.Chat(extra: ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        using var full = await _sim.SendAsync("chat/completions", body);
        var complete = await SimulatorHarness.ReadEventsAsync(full);
        using var cut = await _sim.SendAsync("chat/completions", body, ("x-gatehouse-sim-fault", "cut_stream"));
        var events = await SimulatorHarness.ReadEventsAsync(cut);

        Assert.NotEqual("[DONE]", events[^1]);
        Assert.InRange(events.Count, 2, (complete.Count / 2) + 1);
        var chunks = events.Select(e => JsonNode.Parse(e)!).ToList();
        Assert.All(chunks, c => Assert.Null(c["choices"]![0]!["finish_reason"]));
    }

    [Fact]
    public async Task CutStreamHeader_NonStream_ReturnsTruncatedJson()
    {
        using var response = await _sim.SendAsync("chat/completions", SimulatorHarness.Chat(), ("x-gatehouse-sim-fault", "cut_stream"));
        Assert.Equal(200, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("{\"id\":\"chatcmpl-", text, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
    }

    [Fact]
    public async Task MalformedHeader_NonStream_ReturnsInvalidJson()
    {
        using var response = await _sim.SendAsync("chat/completions", SimulatorHarness.Chat(), ("x-gatehouse-sim-fault", "malformed"));
        Assert.Equal(200, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("{\"id\": \"chatcmpl-", text, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
    }

    [Fact]
    public async Task MalformedHeader_Stream_SendsUnparsableEventAfterFirst()
    {
        using var response = await _sim.SendAsync(
            "chat/completions", SimulatorHarness.Chat(extra: ",\"stream\":true"), ("x-gatehouse-sim-fault", "malformed"));
        var events = await SimulatorHarness.ReadEventsAsync(response);

        Assert.Equal(2, events.Count);
        Assert.Equal("assistant", (string)JsonNode.Parse(events[0])!["choices"]![0]!["delta"]!["role"]!);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(events[1]));
    }

    [Fact]
    public async Task NoneHeader_OverridesProfileRates()
    {
        _sim.Profiles["sim-broken"] = new() { TimeToFirstTokenMs = 0, TokensPerSecond = 0, ErrorRate = 1 };
        await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(model: "sim-broken"), 200, ("x-gatehouse-sim-fault", "none"));
    }

    [Theory]
    [InlineData(nameof(SimulationProfile.ErrorRate), 500)]
    [InlineData(nameof(SimulationProfile.RateLimitRate), 429)]
    [InlineData(nameof(SimulationProfile.MalformedRate), 200)]
    [InlineData(nameof(SimulationProfile.CutStreamRate), 200)]
    public async Task ProfileRateOfOne_AlwaysInjectsFault(string rate, int status)
    {
        var profile = new SimulationProfile { TimeToFirstTokenMs = 0, TokensPerSecond = 0, RetryAfterSeconds = 3 };
        typeof(SimulationProfile).GetProperty(rate)!.SetValue(profile, 1.0);
        _sim.Profiles["sim-faulty"] = profile;

        for (var i = 0; i < 5; i++)
        {
            using var response = await _sim.SendAsync("chat/completions", SimulatorHarness.Chat(model: "sim-faulty"));
            Assert.Equal(status, (int)response.StatusCode);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (status == 200) Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
            if (status == 429) Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter!.Delta);
        }
    }

    public void Dispose() => _sim.Dispose();
}
