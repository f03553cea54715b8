using System.Net;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Resilience;

/// <summary>A deployment that is slow to start answering is given up on (and the next one tried) after its first-token limit.</summary>
public sealed class FirstTokenTimeoutTests : IAsyncLifetime
{
    private FakeUpstream _primary = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _primary = await FakeUpstream.StartAsync();
        _server = await GatehouseServer.StartAsync(_primary.FallbackConfig("eager", primarySettings: ", \"TimeoutSeconds\": 60, \"FirstTokenTimeoutSeconds\": 0.3"));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _primary.DisposeAsync();
    }

    [Fact]
    public async Task StreamWithoutFirstEvent_InTime_FallsBack()
    {
        _primary.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.FlushAsync(context.RequestAborted); // headers now, tokens never
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };

        var (text, endedCleanly) = await SseReader.PostAsync(_server, """{"model":"eager","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.True(endedCleanly);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        Assert.Equal("primary:upstream_timeout", Assert.Single(await _server.WaitForRecordsAsync(1)).FailedAttempts);
    }

    [Fact]
    public async Task PlainCallWithoutHeaders_InTime_FallsBack()
    {
        _primary.Handler = async (context, _) => await Task.Delay(Timeout.Infinite, context.RequestAborted);
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"eager","messages":[{"role":"user","content":"hi"}]}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sim-small", response.Headers.GetValues("x-gatehouse-deployment").Single());
        Assert.Equal("primary:upstream_timeout", Assert.Single(await _server.WaitForRecordsAsync(1)).FailedAttempts);
    }
}
