using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;

namespace Gatehouse.Tests.Simulator;

public sealed class SimulatorStreamingTests : IDisposable
{
    private readonly SimulatorHarness _sim = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stream_EmitsRoleContentFinishUsageAndDone(bool includeUsage)
    {
        var options = includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "";
        using var response = await _sim.SendAsync("chat/completions", SimulatorHarness.Chat(extra: ",\"stream\":true,\"seed\":3" + options));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = await SimulatorHarness.ReadEventsAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e)!).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string)c["object"]!));
        Assert.All(chunks, c => Assert.Equal("gatehouse-simulator", (string)c["system_fingerprint"]!));
        Assert.Single(chunks.Select(c => (string)c["id"]!).Distinct());

        var first = chunks[0]["choices"]![0]!["delta"]!;
        Assert.Equal("assistant", (string)first["role"]!);
        var withChoices = chunks.Where(c => c["choices"]!.AsArray().Count > 0).ToList();
        var last = withChoices[^1]["choices"]![0]!;
        Assert.Equal("stop", (string)last["finish_reason"]!);
        Assert.All(withChoices[..^1], c => Assert.Null(c["choices"]![0]!["finish_reason"]));
        Assert.True(withChoices.Count > 4, "content should arrive in several deltas");

        var streamed = string.Concat(withChoices.Select(c => (string?)c["choices"]![0]!["delta"]!["content"]));
        var whole = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(extra: ",\"seed\":3"));
        Assert.Equal((string)whole["choices"]![0]!["message"]!["content"]!, streamed);

        if (includeUsage)
        {
            var usageChunk = chunks[^1];
            Assert.Empty(usageChunk["choices"]!.AsArray());
            Assert.Equal(whole["usage"]!.ToJsonString(), usageChunk["usage"]!.ToJsonString());
            Assert.All(withChoices, c => Assert.True(c.AsObject().ContainsKey("usage") && c["usage"] is null));
        }
        else
        {
            Assert.All(chunks, c => Assert.False(c.AsObject().ContainsKey("usage")));
        }
    }

    [Fact]
    public async Task Stream_ToolCall_FirstDeltaHasNameThenArgumentFragments()
    {
        const string Parameters = """{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer","minimum":1,"maximum":10}},"required":["query","limit"]}""";
        var tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"search\",\"parameters\":" + Parameters + "}}],\"tool_choice\":\"required\",\"stream\":true";
        using var response = await _sim.SendAsync("chat/completions", SimulatorHarness.Chat(extra: tools));
        var events = await SimulatorHarness.ReadEventsAsync(response);
        var deltas = events[..^1].Select(e => JsonNode.Parse(e)!["choices"]![0]!).ToList();

        var start = deltas[0]["delta"]!["tool_calls"]![0]!;
        Assert.StartsWith("call_", (string)start["id"]!, StringComparison.Ordinal);
        Assert.Equal("function", (string)start["type"]!);
        Assert.Equal("search", (string)start["function"]!["name"]!);
        Assert.Equal("", (string)start["function"]!["arguments"]!);

        var fragments = deltas.Skip(1).SkipLast(1).Select(d => (string)d["delta"]!["tool_calls"]![0]!["function"]!["arguments"]!).ToList();
        Assert.True(fragments.Count > 1, "arguments should arrive in fragments");
        var arguments = string.Concat(fragments);
        Assert.True(JsonSchema.FromText(Parameters).Evaluate(JsonDocument.Parse(arguments).RootElement).IsValid, arguments);
        Assert.Equal("tool_calls", (string)deltas[^1]["finish_reason"]!);
    }

    [Fact]
    public async Task Stream_N2_InterleavesBothChoicesAndFinishesEach()
    {
        using var response = await _sim.SendAsync("chat/completions", SimulatorHarness.Chat(extra: ",\"stream\":true,\"n\":2"));
        var events = await SimulatorHarness.ReadEventsAsync(response);
        var choices = events[..^1].Select(e => JsonNode.Parse(e)!["choices"]![0]!).ToList();

        Assert.Equal([0, 1], choices.Take(2).Select(c => (int)c["index"]!));
        Assert.Equal(2, choices.Count(c => c["finish_reason"] is not null));
        var texts = Enumerable.Range(0, 2).Select(i =>
            string.Concat(choices.Where(c => (int)c["index"]! == i).Select(c => (string?)c["delta"]!["content"]))).ToList();
        Assert.NotEqual(texts[0], texts[1]);
    }

    [Fact]
    public async Task Stream_CancelledRead_StopsPromptly()
    {
        using var response = await _sim.SendAsync("chat/completions", SimulatorHarness.Chat(model: "sim-slow", extra: ",\"stream\":true"));
        using var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        using var cts = new CancellationTokenSource();
        var read = stream.ReadAsync(new byte[4096], cts.Token).AsTask();
        Assert.False(read.IsCompleted);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
    }

    public void Dispose() => _sim.Dispose();
}
