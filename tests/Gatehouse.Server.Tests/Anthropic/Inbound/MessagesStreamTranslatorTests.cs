using System.IO.Pipelines;
using System.Text;
using Gatehouse.Anthropic.Inbound;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Inbound;

public sealed class MessagesStreamTranslatorTests
{
    private static async Task<string> TranslateAsync(string openAISse, int chunkSize = 64 * 1024, Exception? failAtEnd = null, int inputTokensHint = 0)
    {
        await using var translator = new MessagesStreamTranslator(new ChunkedStream(Encoding.UTF8.GetBytes(openAISse), chunkSize, failAtEnd), "claude-requested", inputTokensHint);
        using var reader = new StreamReader(translator, Encoding.UTF8);
        return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task RealisticStream_TextThenToolCalls_ProducesExactAnthropicEventSequence()
    {
        var events = AnthropicSse.Parse(await TranslateAsync(OpenAIStreams.TextThenTools));
        AnthropicSse.AssertEvents(events, OpenAIStreams.TextThenToolsEvents);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    public async Task SmallReadsAndCrlfLineEnds_GiveTheSameEvents(int chunkSize)
    {
        var sse = await TranslateAsync(OpenAIStreams.TextThenTools.Replace("\n", "\r\n", StringComparison.Ordinal), chunkSize);
        AnthropicSse.AssertEvents(AnthropicSse.Parse(sse), OpenAIStreams.TextThenToolsEvents);
    }

    [Fact]
    public void SynchronousRead_GivesTheSameEvents()
    {
        using var translator = new MessagesStreamTranslator(new ChunkedStream(Encoding.UTF8.GetBytes(OpenAIStreams.TextThenTools), 13), "claude-requested");
        using var reader = new StreamReader(translator, Encoding.UTF8);
        AnthropicSse.AssertEvents(AnthropicSse.Parse(reader.ReadToEnd()), OpenAIStreams.TextThenToolsEvents);
    }

    [Fact]
    public async Task EventsAreYieldedAsChunksArrive_MessageStopOnlyAfterDone()
    {
        var ct = TestContext.Current.CancellationToken;
        var pipe = new Pipe();
        await using var translator = new MessagesStreamTranslator(pipe.Reader.AsStream(), "claude-requested", inputTokensHint: 12);
        var buffer = new byte[64 * 1024];

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(OpenAIStreams.Chunk("""{"role":"assistant","content":"Hi"}""")), ct);
        var first = AnthropicSse.Parse(Encoding.UTF8.GetString(buffer, 0, await translator.ReadAsync(buffer, ct)));
        Assert.Equal(["message_start", "content_block_start", "content_block_delta"], first.Select(e => e.Event));
        Assert.Equal(12, first[0].Data["message"]!["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(1, first[0].Data["message"]!["usage"]!["output_tokens"]!.GetValue<int>());

        // finish_reason and usage in one chunk (some upstreams do this): message_delta goes out at once.
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(
            """data: {"id":"chatcmpl-s1","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":9,"completion_tokens":4}}""" + "\n\n"), ct);
        var second = AnthropicSse.Parse(Encoding.UTF8.GetString(buffer, 0, await translator.ReadAsync(buffer, ct)));
        AnthropicSse.AssertEvents(second,
            """{"type":"content_block_stop","index":0}""",
            """{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":4}}""");

        var pending = translator.ReadAsync(buffer, ct).AsTask();
        await Task.Delay(50, ct);
        Assert.False(pending.IsCompleted);
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(OpenAIStreams.Done), ct);
        await pipe.Writer.CompleteAsync();
        Assert.Equal("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", Encoding.UTF8.GetString(buffer, 0, await pending));
        Assert.Equal(0, await translator.ReadAsync(buffer, ct));
    }

    [Fact]
    public async Task DoneWithoutUsage_SendsMessageDeltaWithZeroOutputThenStop()
    {
        var events = AnthropicSse.Parse(await TranslateAsync(OpenAIStreams.Chunk("""{"content":"x"}""") + OpenAIStreams.Chunk("{}", "stop") + OpenAIStreams.Done, inputTokensHint: 5));
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], events.Select(e => e.Event));
        Assert.Equal("end_turn", events[4].Data["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.Equal(0, events[4].Data["usage"]!["output_tokens"]!.GetValue<int>());
        Assert.Equal(5, events[4].Data["usage"]!["input_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task OnlyDone_GivesAnEmptyCompleteMessage()
    {
        var events = AnthropicSse.Parse(await TranslateAsync(": keep-alive\n\n" + OpenAIStreams.Done));
        Assert.Equal(["message_start", "message_delta", "message_stop"], events.Select(e => e.Event));
    }

    [Fact]
    public async Task StreamEndingWithoutDone_EndsWithErrorEvent_NoMessageStop()
    {
        var events = AnthropicSse.Parse(await TranslateAsync(OpenAIStreams.Chunk("""{"content":"partial"}""")));
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "error"], events.Select(e => e.Event));
        Assert.Equal("api_error", events[^1].Data["error"]!["type"]!.GetValue<string>());
        Assert.Contains("ended before it was complete", events[^1].Data["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamReadFails_EndsWithErrorEvent()
    {
        var events = AnthropicSse.Parse(await TranslateAsync(OpenAIStreams.Chunk("""{"content":"partial"}"""), failAtEnd: new IOException("connection reset")));
        Assert.Equal("error", events[^1].Event);
        Assert.Equal("The upstream stream broke: connection reset", events[^1].Data["error"]!["message"]!.GetValue<string>());
        Assert.DoesNotContain(events, e => e.Event == "message_stop");
    }

    [Fact]
    public async Task OpenAIErrorEvent_BecomesAnthropicErrorEvent_AndEndsTheStream()
    {
        var sse = OpenAIStreams.Chunk("""{"content":"partial"}""")
            + """data: {"error":{"message":"The upstream stream did not finish within 30 s.","type":"api_error","param":null,"code":"upstream_timeout"}}""" + "\n\n"
            + OpenAIStreams.Chunk("""{"content":"ignored"}""") + OpenAIStreams.Done;
        var events = AnthropicSse.Parse(await TranslateAsync(sse));
        AnthropicSse.AssertEvents(events[3..],
            """{"type":"error","error":{"type":"timeout_error","message":"The upstream stream did not finish within 30 s."}}""");
        Assert.Equal(4, events.Count);
    }

    [Fact]
    public async Task ErrorBeforeAnyChunk_IsTheOnlyEvent()
    {
        var events = AnthropicSse.Parse(await TranslateAsync("""data: {"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}""" + "\n\n"));
        AnthropicSse.AssertEvents(events, """{"type":"error","error":{"type":"rate_limit_error","message":"Rate limit reached"}}""");
    }

    [Fact]
    public async Task TextAfterToolCall_OpensNewTextBlock_RefusalIsText()
    {
        var events = AnthropicSse.Parse(await TranslateAsync(
            OpenAIStreams.Chunk("""{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{}"}}]}""")
            + OpenAIStreams.Chunk("""{"refusal":"No."}""")
            + OpenAIStreams.Chunk("{}", "content_filter") + OpenAIStreams.UsageChunk + OpenAIStreams.Done));
        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Event));
        Assert.Equal(1, events[4].Data["index"]!.GetValue<int>());
        Assert.Equal("No.", events[5].Data["delta"]!["text"]!.GetValue<string>());
        Assert.Equal("refusal", events[7].Data["delta"]!["stop_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancellation_PropagatesFromTheUpstreamRead()
    {
        var pipe = new Pipe();
        await using var translator = new MessagesStreamTranslator(pipe.Reader.AsStream(), "m");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => _ = await translator.ReadAsync(new byte[1024], cts.Token));
    }

    [Fact]
    public async Task Dispose_DisposesTheUpstreamStream()
    {
        var upstream = new ChunkedStream(Encoding.UTF8.GetBytes(OpenAIStreams.Done), 10);
        var translator = new MessagesStreamTranslator(upstream, "m");
        Assert.True(translator.CanRead);
        await translator.DisposeAsync();
        Assert.True(upstream.Disposed);
        Assert.False(translator.CanRead);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => _ = await translator.ReadAsync(new byte[10], TestContext.Current.CancellationToken));
    }
}
