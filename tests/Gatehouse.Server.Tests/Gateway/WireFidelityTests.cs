using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>What reaches the upstream is what the client sent (only <c>model</c> rewritten); what reaches the client is what the upstream said.</summary>
public sealed class WireFidelityTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _server = await GatehouseServer.StartAsync(_upstream.Config());
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnknownRequestFields_ReachUpstreamUnchanged_OnlyModelRewritten()
    {
        const string body = """{"model":"fake-model","messages":[{"role":"user","content":"héllo \u00e9 \ud83d\ude00"}],"temperature":0.25,"n":2,"seed":42,"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"auto","response_format":{"type":"json_object"},"x_vendor_field":{"nested":[1,2.50,"x"]},"logit_bias":{"50256":-100}}""";
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_upstream.Received);
        Assert.Equal(body.Replace("\"model\":\"fake-model\"", "\"model\":\"upstream-model\"", StringComparison.Ordinal), received.Body);
        Assert.Equal("/v1/chat/completions", received.PathAndQuery);
        Assert.Equal("Bearer sk-upstream-secret", received.Headers["Authorization"]);
        Assert.Equal("acme", received.Headers["X-Upstream-Tenant"]);
    }

    [Fact]
    public async Task UnknownResponseFields_ReachClientUnchanged()
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"fake-model","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        Assert.Equal(FakeResponses.ChatCompletion, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task ReportedUsage_IsMeteredWithCachedAndReasoningTokens()
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"fake-model","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        // gpt-4o: input $2.50/M, cached $1.25/M, output $10/M. 200 uncached + 1000 cached + 300 output (100 of them reasoning, priced as output).
        Assert.Equal("1200", Header(response, "x-gatehouse-input-tokens"));
        Assert.Equal("300", Header(response, "x-gatehouse-output-tokens"));
        Assert.Equal("1000", Header(response, "x-gatehouse-cached-tokens"));
        Assert.Equal("100", Header(response, "x-gatehouse-reasoning-tokens"));
        Assert.Equal("0.00475", Header(response, "x-gatehouse-cost-usd"));

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(0.00475m, record.CostUsd);
        Assert.Equal(1000, record.CachedInputTokens);
        Assert.Equal(100, record.ReasoningTokens);
        Assert.False(record.UsageEstimated);
        Assert.Equal("fake-deployment", record.Deployment);
        Assert.Equal("fake", record.Provider);
    }

    [Fact]
    public async Task PriorityServiceTier_IsPricedAtPriorityRates()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10000,"completion_tokens":1000,"prompt_tokens_details":{"cached_tokens":6000}},"service_tier":"priority"}""");
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"fake-model","service_tier":"priority","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        // gpt-4o priority: 4,000 × 4.25e-6 + 6,000 × 2.125e-6 + 1,000 × 1.7e-5.
        Assert.Equal("0.04675", Header(response, "x-gatehouse-cost-usd"));
        Assert.Equal(0.04675m, Assert.Single(await _server.WaitForRecordsAsync(1)).CostUsd);
    }

    [Fact]
    public async Task MissingUsage_IsCountedWithTokenizer_AndMarkedEstimated()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hello, world!"},"finish_reason":"stop"}]}""");
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"fake-model","messages":[{"role":"user","content":"Hello, world!"}]}"""), Ct);

        Assert.Equal("true", Header(response, "x-gatehouse-usage-estimated"));
        Assert.Equal("4", Header(response, "x-gatehouse-output-tokens")); // o200k: "Hello", ",", " world", "!"
        Assert.True(int.Parse(Header(response, "x-gatehouse-input-tokens"), System.Globalization.CultureInfo.InvariantCulture) >= 4);
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.True(record.UsageEstimated);
    }

    [Fact]
    public async Task Stream_ClientWithoutIncludeUsage_UpstreamAskedForUsage_UsageChunkAndUsageFieldsRemoved()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents());
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"fake-model","stream":true,"messages":[{"role":"user","content":"hi"}]}"""), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        var sent = JsonNode.Parse(Assert.Single(_upstream.Received).Body)!;
        Assert.True(sent["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.DoesNotContain("\"choices\":[]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"usage\"", text, StringComparison.Ordinal);
        Assert.Contains("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"x_chunk_extension\":1}", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(20, record.InputTokens);
        Assert.Equal(2, record.OutputTokens);
        Assert.True(record.Streamed);
        Assert.Null(record.ErrorClass);
        Assert.NotNull(record.TimeToFirstTokenMs);
    }

    [Fact]
    public async Task Stream_ClientWithIncludeUsage_GetsUsageChunk_AndOtherStreamOptionsKept()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents());
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"fake-model","stream":true,"stream_options":{"include_usage":true,"x_other":1},"messages":[{"role":"user","content":"hi"}]}"""), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Contains("\"choices\":[],\"usage\":{\"prompt_tokens\":20", text, StringComparison.Ordinal);
        Assert.Contains("\"stream_options\":{\"include_usage\":true,\"x_other\":1}", Assert.Single(_upstream.Received).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ExistingStreamOptionsWithoutIncludeUsage_IsAmended()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents());
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"stream_options":{"x_other":true},"model":"fake-model","stream":true,"messages":[{"role":"user","content":"hi"}]}"""), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        var sent = JsonNode.Parse(Assert.Single(_upstream.Received).Body)!;
        Assert.True(sent["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.True(sent["stream_options"]!["x_other"]!.GetValue<bool>());
        Assert.Equal("upstream-model", sent["model"]!.GetValue<string>());
        Assert.DoesNotContain("\"choices\":[]", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_IsForwardedChunkByChunk_NotBuffered()
    {
        var release = new TaskCompletionSource();
        _upstream.Handler = async (context, _) =>
        {
            var events = FakeResponses.StreamEvents();
            await FakeResponses.WriteStreamAsync(context, events.Take(2));
            await release.Task.WaitAsync(context.RequestAborted);
            await FakeResponses.WriteStreamAsync(context, events.Skip(2));
        };
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = GatehouseServer.Json("""{"model":"fake-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));

        // The first chunks arrive while the upstream is still holding back the rest.
        var first = await reader.ReadLineAsync(Ct);
        Assert.StartsWith("data: {", first, StringComparison.Ordinal);
        Assert.False(release.Task.IsCompleted);
        release.SetResult();
        var rest = await reader.ReadToEndAsync(Ct);
        Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_AreForwardedAndMetered()
    {
        // An alias of an embedding model (the class's fake-model is a chat model, and /v1/embeddings refuses those).
        await using var server = await GatehouseServer.StartAsync(_upstream.Config(alias: "fake-embedding", upstreamModel: "upstream-embedding", priceAs: "text-embedding-3-small"));
        _upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"model":"upstream-embedding","usage":{"prompt_tokens":5,"total_tokens":5}}""");
        using var client = server.CreateClient();
        using var response = await client.PostAsync("v1/embeddings", GatehouseServer.Json("""{"model":"fake-embedding","input":"some text","dimensions":2}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/v1/embeddings", Assert.Single(_upstream.Received).PathAndQuery);
        Assert.Equal("5", Header(response, "x-gatehouse-input-tokens"));
        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal("embeddings", record.Endpoint);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"Missing header {name}.");
}
