using System.Collections.Concurrent;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Tests.Anthropic.Upstream;

/// <summary>
/// A fake Anthropic Messages API: a real Kestrel server on loopback answering <c>POST /v1/messages</c>
/// the way Anthropic does. Each test sets <see cref="Handler"/>; every request is recorded.
/// </summary>
internal sealed class FakeAnthropic : IAsyncDisposable
{
    public const string Message = """{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Hello from Claude."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":6}}""";

    private readonly WebApplication _app;

    private FakeAnthropic(WebApplication app, string address)
    {
        _app = app;
        BaseUrl = new Uri(address + "/v1/");
    }

    public Func<HttpContext, Task> Handler { get; set; } = context => WriteJsonAsync(context, 200, Message);

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public Uri BaseUrl { get; }

    public static async Task<FakeAnthropic> StartAsync()
    {
        FakeAnthropic? fake = null;
        var (app, address) = await LoopbackHttpServer.StartAsync((context, received) =>
        {
            fake!.Received.Enqueue(received);
            context.Response.Headers["request-id"] = "req_fake_1";
            return fake.Handler(context);
        });
        fake = new FakeAnthropic(app, address);
        return fake;
    }

    /// <summary>
    /// Gatehouse configuration with the three kinds of deployment <c>/v1/messages</c> can reach:
    /// the simulator (<c>sim-small</c>, no latency), an OpenAI-compatible upstream (<c>fake-model</c>)
    /// and this Anthropic upstream (<c>claude</c>).
    /// </summary>
    public static string ThreeBackendConfig(FakeUpstream openAI, FakeAnthropic anthropic) => $$"""
        { "Gatehouse": {
            "Providers": {
              "fake": { "Type": "OpenAI", "BaseUrl": "{{openAI.BaseUrl}}" },
              "anthropic": { "Type": "Anthropic", "BaseUrl": "{{anthropic.BaseUrl}}", "ApiKey": "sk-ant-test" } },
            "Deployments": {
              "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
              "fake-deployment": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o" },
              "claude": { "Provider": "anthropic", "Model": "claude-up", "PriceAs": "claude-sonnet-4-20250514" } },
            "Models": {
              "fake-model": { "Deployments": [ "fake-deployment" ] },
              "claude": { "Deployments": [ "claude" ] } } } }
        """;

    public static async Task WriteJsonAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    public static async Task WriteEventsAsync(HttpContext context, IEnumerable<string> events)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        foreach (var data in events)
        {
            await context.Response.WriteAsync(AnthropicEvents.Sse([data]), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
