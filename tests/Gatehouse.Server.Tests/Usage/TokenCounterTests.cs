using System.Text.Json;
using Gatehouse.Usage;
using Xunit;

namespace Gatehouse.Tests.Usage;

public sealed class TokenCounterTests
{
    [Theory]
    [InlineData("Hello, world!", 4)] // "Hello" "," " world" "!"
    [InlineData("", 0)]
    public void CountTokens_O200k_KnownCounts(string text, int expected)
    {
        Assert.Equal(expected, TiktokenTokenCounter.Instance.CountTokens(text, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void CountTokens_ManyThreads_AgreeWithEachOther()
    {
        var counts = new int[64];

        Parallel.For(0, counts.Length, i => counts[i] = TiktokenTokenCounter.Instance.CountTokens("The quick brown fox jumps over the lazy dog."));

        Assert.All(counts, c => Assert.Equal(counts[0], c));
        Assert.InRange(counts[0], 9, 11);
    }

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog. ")]
    [InlineData("def count(xs):\n    return sum(1 for x in xs if x)  # tally\n")]
    [InlineData("天气很好，我们去公园散步吧。明天见！")]
    [InlineData("{\"role\":\"user\",\"content\":\"hi <|endoftext|> there\"}\r\n\t  ")]
    public void CountTokens_OrdinaryTextAcrossManyWindows_IsExactlyTheTokenizersCount(string sample)
    {
        // Long enough to be pre-tokenized in several windows: the cuts must not change the count.
        var text = string.Concat(Enumerable.Repeat(sample, (3 * TiktokenTokenCounter.WindowChars / sample.Length) + 1));
        var tokenizer = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForModel("gpt-4o");

        Assert.Equal(tokenizer.CountTokens(sample), TiktokenTokenCounter.Instance.CountTokens(sample, TestContext.Current.CancellationToken));
        Assert.Equal(tokenizer.CountTokens(text), TiktokenTokenCounter.Instance.CountTokens(text, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData('a', 8)] // o200k has a token of 8 a's: a run is 1 token per 8 characters, chunked or not
    [InlineData(' ', 128)] // and one of 128 spaces
    public void CountTokens_LongUnbrokenRun_IsCountedInBoundedChunks(char c, int charsPerToken)
    {
        var run = new string(c, 200_000);

        var tokens = TiktokenTokenCounter.Instance.CountTokens(run, TestContext.Current.CancellationToken);

        Assert.InRange(tokens, run.Length / charsPerToken, (run.Length / charsPerToken) + (run.Length / TiktokenTokenCounter.WindowChars) + 2);
    }

    [Theory]
    [InlineData("x", 1)] // the run starts on an odd index: window edges fall between the two halves of a pair
    [InlineData("x!", 2)] // the piece starts with "!": chunk edges fall between the two halves of a pair
    public void CountTokens_SurrogatePairsAcrossChunkAndWindowEdges_AreNeverSplit(string prefix, int prefixTokens)
    {
        // 😀 is one o200k token; half of a pair would be counted as a replacement character (3 tokens).
        var emoji = TiktokenTokenCounter.WindowChars;
        var text = prefix + string.Concat(Enumerable.Repeat("\U0001F600", emoji));

        Assert.Equal(prefixTokens + emoji, TiktokenTokenCounter.Instance.CountTokens(text, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void CountTokens_CancelledToken_StopsWithOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => TiktokenTokenCounter.Instance.CountTokens(new string('a', 100_000), cancelled.Token));
        Assert.Equal(0, TiktokenTokenCounter.Instance.CountTokens("", cancelled.Token));
    }

    [Fact]
    public void EstimatePrompt_Conversation_FollowsOpenAiFormula()
    {
        // A fake counter that counts whitespace-separated words, so the hand count is easy to check.
        var counter = new FakeTokenCounter(text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        using var request = JsonDocument.Parse("""
            {
              "model": "gpt-4o",
              "temperature": 0.2,
              "messages": [
                { "role": "system", "content": "You are terse." },
                { "role": "user", "name": "alice", "content": [
                    { "type": "text", "text": "Hi there" },
                    { "type": "image_url", "image_url": { "url": "https://example.com/a.png" } } ] },
                { "role": "assistant", "content": null, "tool_calls": [
                    { "id": "c1", "type": "function", "function": { "name": "get_weather", "arguments": "{\"city\": \"Paris\"}" } } ] },
                { "role": "tool", "tool_call_id": "c1", "content": "sunny" }
              ]
            }
            """);

        var tokens = ChatTokenEstimator.EstimatePrompt(request.RootElement, counter, TestContext.Current.CancellationToken);

        // system:    3 + role 1 + "You are terse." 3                       = 7
        // user:      3 + role 1 + name (1 + "alice" 1) + "Hi there" 2       = 8
        // assistant: 3 + role 1 + "get_weather" 1 + {"city": "Paris"} 2    = 7
        // tool:      3 + role 1 + "c1" 1 + "sunny" 1                        = 6
        // reply priming                                                     = 3
        Assert.Equal(31, tokens);
    }

    [Fact]
    public void EstimatePrompt_WithTools_AddsToolDefinitionText()
    {
        var counted = new List<string>();
        var counter = new FakeTokenCounter(text =>
        {
            counted.Add(text);
            return 1;
        });
        using var request = JsonDocument.Parse("""
            { "messages": [ { "role": "user", "content": "hi" } ],
              "tools": [ { "type": "function", "function": { "name": "f", "parameters": { "type": "object" } } } ] }
            """);

        var tokens = ChatTokenEstimator.EstimatePrompt(request.RootElement, counter, TestContext.Current.CancellationToken);

        Assert.Equal(3 + 1 + 1 + 3 + 1, tokens);
        Assert.Contains(counted, text => text.Contains("\"parameters\"", StringComparison.Ordinal));
    }

    [Fact]
    public void EstimatePrompt_RealTokenizer_MatchesHandCount()
    {
        using var request = JsonDocument.Parse("""
            { "model": "gpt-4o", "messages": [
                { "role": "system", "content": "You are a helpful assistant." },
                { "role": "user", "content": "Hello, world!" } ] }
            """);

        var tokens = ChatTokenEstimator.EstimatePrompt(request.RootElement, cancellationToken: TestContext.Current.CancellationToken);

        // o200k: "system" 1, "You"" are"" a"" helpful"" assistant""." 6, "user" 1, "Hello"","" world""!" 4.
        // (3 + 1 + 6) + (3 + 1 + 4) + 3 = 21
        Assert.Equal(21, tokens);
    }

    [Fact]
    public void Estimate_MarksUsageEstimated()
    {
        using var request = JsonDocument.Parse("""{ "messages": [ { "role": "user", "content": "Hello, world!" } ] }""");

        var usage = ChatTokenEstimator.Estimate(request.RootElement, "Hello, world!", cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(usage.Estimated);
        Assert.Equal(3 + 1 + 4 + 3, usage.InputTokens);
        Assert.Equal(4, usage.OutputTokens);
    }

    [Fact]
    public void EstimatePrompt_NotAnObject_IsZero()
    {
        using var request = JsonDocument.Parse("[]");

        Assert.Equal(0, ChatTokenEstimator.EstimatePrompt(request.RootElement, new FakeTokenCounter(_ => 100), TestContext.Current.CancellationToken));
    }
}
