using System.Text.Json.Nodes;
using Xunit;

namespace Gatehouse.Tests.Simulator;

/// <summary>Latency is simulated on the injected TimeProvider; these tests move fake time by hand.</summary>
public sealed class SimulatorTimingTests : IDisposable
{
    private readonly SimulatorHarness _sim = new();

    [Fact]
    public async Task Stream_NoEventBeforeTimeToFirstToken_ThenTokensAtConfiguredRate()
    {
        // sim-slow: TTFT 500 ms, 10 tokens/s.
        using var response = await _sim.SendAsync("chat/completions", SimulatorHarness.Chat(model: "sim-slow", extra: ",\"stream\":true"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));

        var firstLine = reader.ReadLineAsync(TestContext.Current.CancellationToken).AsTask();
        await Task.Yield();
        Assert.False(firstLine.IsCompleted, "headers arrive at once, but no event before the first token time");
        _sim.Time.Advance(TimeSpan.FromMilliseconds(499));
        await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.False(firstLine.IsCompleted);
        _sim.Time.Advance(TimeSpan.FromMilliseconds(1));
        var first = JsonNode.Parse((await firstLine)!["data: ".Length..])!;
        Assert.Equal("assistant", (string)first["choices"]![0]!["delta"]!["role"]!);
        Assert.Equal("", await reader.ReadLineAsync(TestContext.Current.CancellationToken));

        // At 10 tokens/s, a delta of a few tokens takes a few hundred milliseconds.
        var secondLine = reader.ReadLineAsync(TestContext.Current.CancellationToken).AsTask();
        await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.False(secondLine.IsCompleted, "content must wait for token time");
        _sim.Time.Advance(TimeSpan.FromMilliseconds(50));
        await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.False(secondLine.IsCompleted, "a delta is more than half a token at 10 tokens/s");
        _sim.Time.Advance(TimeSpan.FromSeconds(2));
        var second = JsonNode.Parse((await secondLine)!["data: ".Length..])!;
        Assert.False(string.IsNullOrEmpty((string)second["choices"]![0]!["delta"]!["content"]!));
    }

    [Fact]
    public async Task NonStream_AnswersAfterWholeGenerationTime()
    {
        var send = _sim.PostAsync("chat/completions", SimulatorHarness.Chat(model: "sim-slow", extra: ",\"max_tokens\":10"));
        await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.False(send.IsCompleted);

        _sim.Time.Advance(TimeSpan.FromMilliseconds(500)); // TTFT only; the tokens still take time
        await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.False(send.IsCompleted);

        _sim.Time.Advance(TimeSpan.FromSeconds(1)); // 10 tokens at 10 tokens/s
        var json = await send;
        Assert.Equal("length", (string)json["choices"]![0]!["finish_reason"]!);
    }

    [Fact]
    public async Task Headers_OverrideTimeToFirstTokenAndSpeed()
    {
        var send = _sim.PostAsync(
            "chat/completions",
            SimulatorHarness.Chat(model: "sim-slow"),
            200,
            ("x-gatehouse-sim-ttft-ms", "0"),
            ("x-gatehouse-sim-tps", "0"));
        var completed = await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Same(send, completed);
    }

    [Theory]
    [InlineData("x-gatehouse-sim-tps", "1e-300")] // overflowed TimeSpan: a 500
    [InlineData("x-gatehouse-sim-tps", "NaN")]
    [InlineData("x-gatehouse-sim-ttft-ms", "2147483647")] // 24 days
    public async Task A_delay_header_asking_for_forever_waits_at_most_the_simulators_longest_delay(string header, string value)
    {
        var send = _sim.PostAsync("chat/completions", SimulatorHarness.Chat(model: "sim-slow", extra: ",\"max_tokens\":10"), 200, (header, value));
        await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.False(send.IsCompleted);

        // Both delays of a call (first token, then the tokens) at most MaxDelay each.
        for (var i = 0; i < 3 && !send.IsCompleted; i++)
        {
            _sim.Time.Advance(global::Gatehouse.Simulator.SimulatorRequestOptions.MaxDelay);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var completed = await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Same(send, completed);
        Assert.Equal("length", (string)(await send)["choices"]![0]!["finish_reason"]!);
    }

    public void Dispose() => _sim.Dispose();
}
