using System.Text.Json.Nodes;
using Gatehouse.Tests.Anthropic.Upstream;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>
/// Gatehouse asks every upstream stream for usage (it meters every call), but a client that did not
/// ask for <c>stream_options.include_usage</c> gets the stream OpenAI would have sent it: no chunk
/// carries a <c>usage</c> field and no usage chunk comes. Passed through (an OpenAI-compatible
/// upstream) and translated (an Anthropic upstream) alike; the record has the usage either way.
/// </summary>
public sealed class StreamUsageTests : IAsyncLifetime
{
    private FakeUpstream _openAI = null!;
    private FakeAnthropic _anthropic = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _openAI = await FakeUpstream.StartAsync();
        _anthropic = await FakeAnthropic.StartAsync();
        _openAI.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents());
        _anthropic.Handler = context => FakeAnthropic.WriteEventsAsync(context, AnthropicEvents.TextThenTool);
        _server = await GatehouseServer.StartAsync(FakeAnthropic.ThreeBackendConfig(_openAI, _anthropic));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _anthropic.DisposeAsync();
        await _openAI.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("fake-model", 20, 2)]
    [InlineData("claude", 2572, 89)]
    public async Task Stream_WithoutIncludeUsage_NoChunkHasUsage_AndNoUsageChunk_ButTheRecordHasIt(string model, int inputTokens, int outputTokens)
    {
        var chunks = await StreamAsync($$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.NotEmpty(chunks);
        Assert.All(chunks, chunk => Assert.False(chunk.ContainsKey("usage"), $"A chunk carries usage: {chunk.ToJsonString()}"));
        Assert.All(chunks, chunk => Assert.NotEmpty(chunk["choices"]!.AsArray()));
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(inputTokens, record.InputTokens);
        Assert.Equal(outputTokens, record.OutputTokens);
        Assert.False(record.UsageEstimated);
    }

    [Theory]
    [InlineData("fake-model", 20, 2)]
    [InlineData("claude", 2572, 89)]
    public async Task Stream_WithIncludeUsage_EndsWithTheUsageChunk(string model, int inputTokens, int outputTokens)
    {
        var chunks = await StreamAsync($$"""{"model":"{{model}}","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""");

        var last = chunks[^1];
        Assert.Empty(last["choices"]!.AsArray());
        Assert.Equal(inputTokens, last["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(outputTokens, last["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.All(chunks[..^1], chunk => Assert.NotEmpty(chunk["choices"]!.AsArray()));
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(inputTokens, record.InputTokens);
    }

    [Fact]
    public async Task Stream_WithIncludeUsage_Passthrough_KeepsTheUpstreamsUsageNullOnEveryChunk()
    {
        var chunks = await StreamAsync("""{"model":"fake-model","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""");

        Assert.All(chunks[..^1], chunk => Assert.True(chunk.ContainsKey("usage") && chunk["usage"] is null, chunk.ToJsonString()));
    }

    [Fact]
    public async Task Stream_WithoutIncludeUsage_UsageOnAChunkWithChoices_IsCutFromThatChunk_AndCounted()
    {
        // Some OpenAI-compatible servers put usage on the last chunk that still has a choice.
        _openAI.Handler = (context, _) => FakeResponses.WriteStreamAsync(context,
        [
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"upstream-model","usage":null,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}""",
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"upstream-model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}], "usage": {"prompt_tokens":7,"completion_tokens":1,"total_tokens":8}}""",
            "[DONE]",
        ]);

        var chunks = await StreamAsync("""{"model":"fake-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(2, chunks.Count);
        Assert.All(chunks, chunk => Assert.False(chunk.ContainsKey("usage")));
        Assert.Equal("Hi", chunks[0]["choices"]![0]!["delta"]!["content"]!.GetValue<string>());
        Assert.Equal("stop", chunks[1]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(7, record.InputTokens);
        Assert.Equal(1, record.OutputTokens);
    }

    /// <summary>The stream's chunks as JSON objects, in order, asserting it ended with <c>[DONE]</c>.</summary>
    private async Task<List<JsonObject>> StreamAsync(string body)
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        var data = text.Split('\n').Where(static l => l.StartsWith("data:", StringComparison.Ordinal)).Select(static l => l[5..].Trim()).ToList();
        Assert.Equal("[DONE]", data[^1]);
        return [.. data[..^1].Select(static d => JsonNode.Parse(d)!.AsObject())];
    }
}
