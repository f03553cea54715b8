using System.Collections.Concurrent;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Upstream;

/// <summary>
/// A fake Anthropic Messages API: a real Kestrel server on loopback answering <c>POST /v1/messages</c>
/// the way Anthropic does. Each test sets <see cref="Handler"/>; every request is recorded.
/// </summary>
internal sealed class FakeAnthropic : IAsyncDisposable
{
    public const string Message = """{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Hello from Claude."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":6}}""";

    private readonly WebApplication _app;

    private FakeAnthropic(WebApplication app)
    {
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address + "/v1/");
    }

    public Func<HttpContext, Task> Handler { get; set; } = context => WriteJsonAsync(context, 200, Message);

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public Uri BaseUrl { get; }

    public static async Task<FakeAnthropic> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeAnthropic? fake = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            fake!.Received.Enqueue(new ReceivedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body));
            context.Response.Headers["request-id"] = "req_fake_1";
            await fake.Handler(context);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        fake = new FakeAnthropic(app);
        return fake;
    }

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
