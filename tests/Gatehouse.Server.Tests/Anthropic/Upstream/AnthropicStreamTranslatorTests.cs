using System.IO.Pipelines;
using System.Text;
using Gatehouse.Anthropic.Upstream;
using Gatehouse.OpenAI;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Upstream;

public sealed class AnthropicStreamTranslatorTests
{
    private const long Created = 1730000000;

    private static async Task<List<string>> TranslateAsync(string sse, int chunkSize = 4096, string? jsonToolName = null)
    {
        await using var translator = new AnthropicStreamTranslator(new ChunkedStream(Encoding.UTF8.GetBytes(sse), chunkSize), "claude-up", Created, jsonToolName);
        using var reader = new StreamReader(translator, Encoding.UTF8);
        return AnthropicEvents.DataPayloads(await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task RecordedTextThenToolUse_BecomesExactOpenAIChunks_EndingInDone(int upstreamChunkSize)
    {
        var chunks = await TranslateAsync(AnthropicEvents.Sse(AnthropicEvents.TextThenTool), upstreamChunkSize);

        Assert.Equal(AnthropicEvents.TextThenToolExpected, chunks);
    }

    [Fact]
    public async Task Output_IsSseFramed_EachEventFollowedByABlankLine()
    {
        await using var translator = new AnthropicStreamTranslator(new ChunkedStream(Encoding.UTF8.GetBytes(AnthropicEvents.Sse(AnthropicEvents.TextThenTool)), 64), "claude-up", Created, null);
        using var reader = new StreamReader(translator, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.StartsWith("data: {", text, StringComparison.Ordinal);
        Assert.EndsWith("\n\ndata: [DONE]\n\n", text, StringComparison.Ordinal);
        Assert.Equal(AnthropicEvents.TextThenToolExpected.Length, text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task UsageChunk_IsReadByTheGatewaysUsageReader_WithCacheReadsAsCached()
    {
        var chunks = await TranslateAsync(AnthropicEvents.Sse(AnthropicEvents.TextThenTool));
        var usageChunk = Encoding.UTF8.GetBytes(chunks[^2]);

        Assert.True(OpenAIUsageReader.MayContainUsage(usageChunk));
        Assert.True(OpenAIUsageReader.TryRead(usageChunk, out var usage));
        Assert.Equal(2572, usage.InputTokens);
        Assert.Equal(89, usage.OutputTokens);
        Assert.Equal(2000, usage.CachedInputTokens);
        Assert.Contains("\"choices\":[]", chunks[^2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamCutBeforeMessageStop_EndsWithoutDone()
    {
        var cut = AnthropicEvents.TextThenTool[..^1];

        var chunks = await TranslateAsync(AnthropicEvents.Sse(cut), 5);

        Assert.Equal(AnthropicEvents.TextThenToolExpected[..7], chunks);
        Assert.DoesNotContain("[DONE]", chunks);
    }

    [Fact]
    public async Task StreamCutInsideAnEvent_DropsThePartialEvent_AndEndsWithoutDone()
    {
        var sse = AnthropicEvents.Sse(AnthropicEvents.TextThenTool[..4]) + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lost\"}}";

        var chunks = await TranslateAsync(sse);

        Assert.Equal(AnthropicEvents.TextThenToolExpected[..2], chunks);
    }

    [Fact]
    public async Task ErrorEvent_BecomesOpenAIErrorEvent_ThenEndsWithoutDone_IgnoringTheRest()
    {
        var events = new[]
        {
            AnthropicEvents.MessageStart,
            """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""",
            """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"after the error"}}""",
            """{"type":"message_stop"}""",
        };

        var chunks = await TranslateAsync(AnthropicEvents.Sse(events));

        Assert.Equal(2, chunks.Count);
        Assert.Equal("""{"error":{"message":"Overloaded","type":"service_unavailable","param":null,"code":"overloaded_error"}}""", chunks[1]);
    }

    [Theory]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"tru""")]
    [InlineData("""not json at all""")]
    [InlineData("""{"index":0,"delta":{"type":"text_delta","text":"no type"}}""")]
    [InlineData("""{"type":"content_block_delta","delta":{"type":"text_delta","text":"no index"}}""")]
    public async Task UnparseableEvent_EmitsNothingForIt_AndEndsWithoutDone(string bad)
    {
        var sse = AnthropicEvents.Sse(AnthropicEvents.TextThenTool[..4]) + $"event: content_block_delta\ndata: {bad}\n\n" + AnthropicEvents.Sse(AnthropicEvents.TextThenTool[4..]);

        var chunks = await TranslateAsync(sse);

        Assert.Equal(AnthropicEvents.TextThenToolExpected[..2], chunks);
    }

    [Fact]
    public async Task JsonViaTool_InputFragmentsBecomeContent_FinishReasonStop()
    {
        string[] events =
        [
            AnthropicEvents.MessageStart,
            """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"person","input":{}}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"name\": "}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"Ada\"}"}}""",
            """{"type":"content_block_stop","index":0}""",
            """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":12}}""",
            """{"type":"message_stop"}""",
        ];

        var chunks = await TranslateAsync(AnthropicEvents.Sse(events), jsonToolName: "person");

        Assert.Contains("\"delta\":{\"content\":\"{\\\"name\\\": \"}", chunks[1], StringComparison.Ordinal);
        Assert.Contains("\"delta\":{\"content\":\"\\\"Ada\\\"}\"}", chunks[2], StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"stop\"", chunks[3], StringComparison.Ordinal);
        Assert.DoesNotContain(chunks, c => c.Contains("tool_calls", StringComparison.Ordinal));
        Assert.Equal("[DONE]", chunks[^1]);
    }

    [Fact]
    public async Task Thinking_BecomesReasoningContent_SignatureDropped()
    {
        string[] events =
        [
            AnthropicEvents.MessageStart,
            """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think."}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}}""",
            """{"type":"content_block_stop","index":0}""",
            """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"42"}}""",
            """{"type":"content_block_stop","index":1}""",
            """{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":30}}""",
            """{"type":"message_stop"}""",
        ];

        var chunks = await TranslateAsync(AnthropicEvents.Sse(events));

        Assert.Equal(6, chunks.Count);
        Assert.Contains("\"delta\":{\"reasoning_content\":\"Let me think.\"}", chunks[1], StringComparison.Ordinal);
        Assert.Contains("\"delta\":{\"content\":\"42\"}", chunks[2], StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"length\"", chunks[3], StringComparison.Ordinal);
        Assert.DoesNotContain(chunks, c => c.Contains("EqQBCgIYAhIM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondToolUse_GetsToolIndexOne_CountedAmongToolBlocksOnly()
    {
        string[] events =
        [
            AnthropicEvents.MessageStart,
            """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
            """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_a","name":"a","input":{}}}""",
            """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_b","name":"b","input":{}}}""",
            """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}}""",
            """{"type":"message_stop"}""",
        ];

        var chunks = await TranslateAsync(AnthropicEvents.Sse(events));

        Assert.Contains("\"tool_calls\":[{\"index\":0,\"id\":\"toolu_a\"", chunks[1], StringComparison.Ordinal);
        Assert.Contains("\"tool_calls\":[{\"index\":1,\"id\":\"toolu_b\"", chunks[2], StringComparison.Ordinal);
        Assert.Contains("\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{}\"}}]", chunks[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_AreTranslatedAsTheyArrive_NotAfterTheUpstreamEnds()
    {
        var pipe = new Pipe();
        await using var translator = new AnthropicStreamTranslator(pipe.Reader.AsStream(), "claude-up", Created, null);
        var buffer = new byte[4096];

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(AnthropicEvents.Sse([AnthropicEvents.MessageStart])), TestContext.Current.CancellationToken);
        var read = await translator.ReadAsync(buffer, TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal("data: " + AnthropicEvents.TextThenToolExpected[0] + "\n\n", Encoding.UTF8.GetString(buffer, 0, read));
        await pipe.Writer.CompleteAsync();
    }

    [Fact]
    public async Task Cancellation_ReachesThePendingUpstreamRead()
    {
        var pipe = new Pipe();
        await using var translator = new AnthropicStreamTranslator(pipe.Reader.AsStream(), "claude-up", Created, null);
        using var cancellation = new CancellationTokenSource();

        var read = translator.ReadAsync(new byte[1024], cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Dispose_DisposesUpstreamAndOwner()
    {
        var upstream = new ChunkedStream(Encoding.UTF8.GetBytes(AnthropicEvents.Sse(AnthropicEvents.TextThenTool)), 16);
        var owner = new HttpResponseMessage();
        var translator = new AnthropicStreamTranslator(upstream, "claude-up", Created, null, owner);
        owner.Content = new StringContent("x");
        Assert.True(await translator.ReadAsync(new byte[16], TestContext.Current.CancellationToken) > 0);

        await translator.DisposeAsync();

        Assert.True(upstream.Disposed);
        Assert.Throws<ObjectDisposedException>(() => owner.Content.ReadAsStream(TestContext.Current.CancellationToken));
    }
}
