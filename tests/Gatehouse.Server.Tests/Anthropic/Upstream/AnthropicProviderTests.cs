using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Anthropic.Upstream;
using Gatehouse.Providers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Upstream;

public sealed class AnthropicProviderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1730000000);

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler { UseProxy = false });
    private FakeAnthropic _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await FakeAnthropic.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _fake.DisposeAsync();
    }

    private AnthropicProvider CreateProvider(string? apiKey = "sk-ant-secret") => new(
        "anthropic",
        _client,
        _fake.BaseUrl,
        apiKey,
        new Dictionary<string, string> { ["anthropic-beta"] = "prompt-caching-2024-07-31" },
        new AnthropicProviderOptions { Version = "2023-06-01", DefaultMaxTokens = 777 },
        new FakeTimeProvider(Now));

    private Task<HttpResponseMessage> SendAsync(string body, ApiOperation operation = ApiOperation.ChatCompletions) =>
        CreateProvider().SendAsync(new ProviderRequest(operation, "claude-up", Encoding.UTF8.GetBytes(body), new HeaderDictionary()), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Plain_PostsMessagesWithAnthropicHeaders_AndAnswersInOpenAIDialect()
    {
        using var response = await SendAsync("""{"model":"claude-up","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}""");

        var received = Assert.Single(_fake.Received);
        Assert.Equal("POST", received.Method);
        Assert.Equal("/v1/messages", received.PathAndQuery);
        Assert.Equal("sk-ant-secret", received.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", received.Headers["anthropic-version"]);
        Assert.Equal("prompt-caching-2024-07-31", received.Headers["anthropic-beta"]);
        Assert.StartsWith("application/json", received.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.False(received.Headers.ContainsKey("Authorization"));
        var sent = JsonNode.Parse(received.Body)!;
        Assert.Equal("Be brief.", sent["system"]!.GetValue<string>());
        Assert.Equal(777, sent["max_tokens"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("req_fake_1", response.Headers.GetValues("request-id").Single());
        var completion = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL", completion["id"]!.GetValue<string>());
        Assert.Equal(1730000000, completion["created"]!.GetValue<long>());
        Assert.Equal("claude-up", completion["model"]!.GetValue<string>());
        Assert.Equal("Hello from Claude.", completion["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("stop", completion["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(18, completion["usage"]!["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Streaming_TranslatesEventsAsTheyArrive_EndingInDone()
    {
        _fake.Handler = context =>
        {
            context.Response.Headers["anthropic-ratelimit-requests-remaining"] = "99";
            return FakeAnthropic.WriteEventsAsync(context, AnthropicEvents.TextThenTool);
        };

        using var response = await SendAsync("""{"model":"claude-up","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Weather?"}]}""");

        Assert.True(JsonNode.Parse(Assert.Single(_fake.Received).Body)!["stream"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("99", response.Headers.GetValues("anthropic-ratelimit-requests-remaining").Single());
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(AnthropicEvents.TextThenToolExpected, AnthropicEvents.DataPayloads(text));
    }

    [Fact]
    public async Task Streaming_UpstreamCutBeforeMessageStop_EndsWithoutDone()
    {
        _fake.Handler = context => FakeAnthropic.WriteEventsAsync(context, AnthropicEvents.TextThenTool[..6]);

        using var response = await SendAsync("""{"model":"claude-up","stream":true,"messages":[{"role":"user","content":"Weather?"}]}""");

        var payloads = AnthropicEvents.DataPayloads(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(AnthropicEvents.TextThenToolExpected[..3], payloads);
    }

    [Fact]
    public async Task RateLimited_Is429WithRetryAfter_InOpenAIShape()
    {
        _fake.Handler = context =>
        {
            context.Response.Headers.RetryAfter = "17";
            return FakeAnthropic.WriteJsonAsync(context, 429, """{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}""");
        };

        using var response = await SendAsync("""{"model":"claude-up","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(17), response.Headers.RetryAfter!.Delta);
        Assert.Equal("req_fake_1", response.Headers.GetValues("request-id").Single());
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("rate_limit_error", error["type"]!.GetValue<string>());
        Assert.Equal("rate_limit_exceeded", error["code"]!.GetValue<string>());
        Assert.StartsWith("Number of request tokens", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overloaded529_Is503()
    {
        _fake.Handler = context => FakeAnthropic.WriteJsonAsync(context, 529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");

        using var response = await SendAsync("""{"model":"claude-up","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("service_unavailable", error["type"]!.GetValue<string>());
        Assert.Equal("Overloaded", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task StreamRequestRejectedBeforeStreaming_IsAnOrdinaryErrorResponse()
    {
        _fake.Handler = context => FakeAnthropic.WriteJsonAsync(context, 400, """{"type":"error","error":{"type":"invalid_request_error","message":"messages: roles must alternate"}}""");

        using var response = await SendAsync("""{"model":"claude-up","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("roles must alternate", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UntranslatableRequest_Is400_WithoutCallingAnthropic()
    {
        using var response = await SendAsync("""{"model":"claude-up","n":3,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_fake.Received);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("n", error["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task Embeddings_Are400_WithoutCallingAnthropic()
    {
        using var response = await SendAsync("""{"model":"claude-up","input":"x"}""", ApiOperation.Embeddings);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_fake.Received);
    }

    [Fact]
    public async Task SuccessBodyThatIsNotAMessage_Is502Malformed()
    {
        _fake.Handler = context => FakeAnthropic.WriteJsonAsync(context, 200, "<html>proxy page</html>");

        using var response = await SendAsync("""{"model":"claude-up","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("upstream_malformed_response", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposingAStreamedResponse_ClosesTheUpstreamConnection()
    {
        var upstreamAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.Handler = async context =>
        {
            context.RequestAborted.Register(() => upstreamAborted.TrySetResult());
            await FakeAnthropic.WriteEventsAsync(context, [AnthropicEvents.MessageStart]);
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        };

        var response = await SendAsync("""{"model":"claude-up","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
        var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        Assert.True(await stream.ReadAsync(new byte[4096], TestContext.Current.CancellationToken) > 0);

        response.Dispose();

        await upstreamAborted.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}
