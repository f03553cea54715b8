using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;
using Gatehouse.Simulator;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Simulator;

/// <summary>
/// The simulator's <c>timeout</c> fault is silence for as long as the deployment's first-token
/// timeout (30 s when it has none), never the whole-call 600 s, then the failure an HTTP client
/// reports for its own timeout. Time is fake: the test reads the wait off the timer the simulator sets.
/// </summary>
public sealed class SimulatorTimeoutFaultTests : IDisposable
{
    private readonly TimerRecordingTimeProvider _time = new();
    private readonly Dictionary<string, TimeSpan?> _firstTokenTimeouts = new(StringComparer.Ordinal);
    private readonly HttpClient _client;

    public SimulatorTimeoutFaultTests()
    {
        var profiles = new Dictionary<string, SimulationProfile>(StringComparer.Ordinal)
        {
            ["sim-fast"] = new() { TimeToFirstTokenMs = 0, TokensPerSecond = 0 },
            ["sim-stuck"] = new() { TimeToFirstTokenMs = 0, TokensPerSecond = 0, TimeoutRate = 1 },
            ["sim-embedding"] = new() { TimeToFirstTokenMs = 0 },
        };
        var handler = new SimulatorHandler(m => profiles.GetValueOrDefault(m), TiktokenCounter.Instance, _time, m => _firstTokenTimeouts.GetValueOrDefault(m));
        _client = new HttpClient(handler) { BaseAddress = new Uri("http://simulator.test/v1/") };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TimeoutHeader_WaitsForTheDeploymentsFirstTokenTimeout_ThenTimesOut()
    {
        _firstTokenTimeouts["sim-fast"] = TimeSpan.FromSeconds(5);
        var send = SendAsync("chat/completions", SimulatorHarness.Chat(), fault: true, Ct);

        Assert.Equal(TimeSpan.FromSeconds(5), await _time.NextTimerDueAsync());
        _time.Advance(TimeSpan.FromSeconds(5));

        var timedOut = await Assert.ThrowsAsync<TaskCanceledException>(() => send);
        Assert.IsType<TimeoutException>(timedOut.InnerException);
        Assert.Contains("simulated timeout", timedOut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutHeader_WithoutAFirstTokenTimeout_Waits30Seconds_Not600()
    {
        var send = SendAsync("chat/completions", SimulatorHarness.Chat(), fault: true, Ct);

        Assert.Equal(SimulatorHandler.DefaultSimulatedTimeout, await _time.NextTimerDueAsync());
        Assert.Equal(TimeSpan.FromSeconds(30), SimulatorHandler.DefaultSimulatedTimeout);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.IsType<TimeoutException>((await Assert.ThrowsAsync<TaskCanceledException>(() => send)).InnerException);
    }

    [Fact]
    public async Task ProfileTimeoutRateOfOne_Embeddings_WaitTheirModelsFirstTokenTimeout()
    {
        _firstTokenTimeouts["sim-embedding"] = TimeSpan.FromSeconds(2);
        _firstTokenTimeouts["sim-stuck"] = TimeSpan.FromSeconds(3);
        var chat = SendAsync("chat/completions", SimulatorHarness.Chat(model: "sim-stuck"), fault: false, Ct);
        Assert.Equal(TimeSpan.FromSeconds(3), await _time.NextTimerDueAsync());

        var embedding = SendAsync("embeddings", """{"model":"sim-embedding","input":"hi"}""", fault: true, Ct);
        Assert.Equal(TimeSpan.FromSeconds(2), await _time.NextTimerDueAsync());

        _time.Advance(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<TaskCanceledException>(() => chat);
        await Assert.ThrowsAsync<TaskCanceledException>(() => embedding);
    }

    [Fact]
    public async Task TimeoutHeader_CallerCancels_StopsTheWaitAtOnce()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var send = SendAsync("chat/completions", SimulatorHarness.Chat(), fault: true, cts.Token);
        await _time.NextTimerDueAsync();

        await cts.CancelAsync();

        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.IsNotType<TimeoutException>(cancelled.InnerException);
    }

    public void Dispose() => _client.Dispose();

    private async Task<HttpResponseMessage> SendAsync(string path, string body, bool fault, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (fault)
        {
            request.Headers.Add("x-gatehouse-sim-fault", "timeout");
        }

        return await _client.SendAsync(request, cancellationToken);
    }

    /// <summary>Fake time that reports each timer it is asked for, so a test can wait for the simulator to start waiting and see for how long.</summary>
    private sealed class TimerRecordingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero))
    {
        private readonly Channel<TimeSpan> _dueTimes = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _dueTimes.Writer.TryWrite(dueTime);
            return base.CreateTimer(callback, state, dueTime, period);
        }

        public async Task<TimeSpan> NextTimerDueAsync() => await _dueTimes.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}
