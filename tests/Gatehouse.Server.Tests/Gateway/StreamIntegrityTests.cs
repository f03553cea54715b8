using System.Text;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>
/// A fake upstream breaks its stream in every way we know; the client must see an error, never a
/// clean end, and the record must say what happened. Failures before the first byte are plain errors.
/// </summary>
public sealed class StreamIntegrityTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _server = await GatehouseServer.StartAsync(_upstream.Config(timeoutSeconds: 30).Replace(
            "\"TimeoutSeconds\": 30", "\"TimeoutSeconds\": 30, \"StreamIdleTimeoutSeconds\": 1", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private const string StreamRequest = """{"model":"fake-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    private const string ToolCallStart = """{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}""";

    private static string Raw(IEnumerable<string> events) => string.Concat(events.Select(e => $"data: {e}\n\n"));

    /// <summary>Each case: the raw bytes the upstream sends before it stops (or stalls), and the record's error class.</summary>
    public static TheoryData<string, string, bool> Cuts()
    {
        var events = FakeResponses.StreamEvents();
        return new TheoryData<string, string, bool>
        {
            // mid-token: a data line cut inside its JSON, then the connection closes
            { "mid-token", Raw(events.Take(2)) + "data: {\"id\":\"chatcmpl-s1\",\"choices\":[{\"delta\":{\"content\":\"Hel", false },
            // mid tool-call arguments
            { "mid-tool-args", Raw([events[0], ToolCallStart, """{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}"""]), false },
            // after the finish chunk, before the usage chunk and [DONE]
            { "before-usage", Raw(events.Take(4)), false },
            // everything but the terminator
            { "no-terminator", Raw(events.Take(5)), false },
            // stalled: sends two events, then nothing for longer than the idle timeout
            { "stalled", Raw(events.Take(2)), true },
        };
    }

    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task CutStream_ClientSeesErrorEvent_NeverACleanEnd(string name, string sent, bool stall)
    {
        _upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(sent), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (stall)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
        };

        var (text, endedCleanly) = await SseReader.PostAsync(_server, StreamRequest);

        Assert.False(endedCleanly, name);
        Assert.DoesNotContain("data: [DONE]", text, StringComparison.Ordinal);
        Assert.Contains("data: {\"error\":{", text, StringComparison.Ordinal);
        Assert.Equal(1, CountOccurrences(text, "\"error\":{"));
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(200, record.StatusCode);
        Assert.Equal(stall ? "upstream_stream_stalled" : "upstream_stream_interrupted", record.ErrorClass);
        Assert.True(record.Streamed);
    }

    [Fact]
    public async Task UnparseableEvent_AfterFirstByte_EndsWithError_AndIsNotForwarded()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, [.. FakeResponses.StreamEvents().Take(2), "{not json", .. FakeResponses.StreamEvents().Skip(2)]);

        var (text, endedCleanly) = await SseReader.PostAsync(_server, StreamRequest);

        Assert.False(endedCleanly);
        Assert.DoesNotContain("{not json", text, StringComparison.Ordinal);
        Assert.DoesNotContain("data: [DONE]", text, StringComparison.Ordinal);
        Assert.Contains("upstream_malformed_response", text, StringComparison.Ordinal);
        Assert.Equal("upstream_malformed_response", Assert.Single(await _server.WaitForRecordsAsync(1)).ErrorClass);
    }

    [Fact]
    public async Task UpstreamErrorEvent_IsForwardedOnce_AndRecorded()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context,
            [.. FakeResponses.StreamEvents().Take(2), """{"error":{"message":"model overloaded mid-stream","type":"server_error","param":null,"code":null}}"""]);

        var (text, endedCleanly) = await SseReader.PostAsync(_server, StreamRequest);

        Assert.False(endedCleanly);
        Assert.Contains("model overloaded mid-stream", text, StringComparison.Ordinal);
        Assert.Equal(1, CountOccurrences(text, "\"error\":{"));
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("upstream_stream_error", record.ErrorClass);
        Assert.Equal("model overloaded mid-stream", record.ErrorMessage);
    }

    [Fact]
    public async Task StallBeforeFirstEvent_IsOrdinary504()
    {
        _upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };

        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(StreamRequest), TestContext.Current.CancellationToken);

        Assert.Equal(StatusCodes.Status504GatewayTimeout, (int)response.StatusCode);
        Assert.Contains("upstream_stream_stalled", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedFirstEvent_IsOrdinary502()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, ["{garbage"]);

        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(StreamRequest), TestContext.Current.CancellationToken);

        Assert.Equal(StatusCodes.Status502BadGateway, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
