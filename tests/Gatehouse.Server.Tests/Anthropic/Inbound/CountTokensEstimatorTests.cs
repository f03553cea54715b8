using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Anthropic.Inbound;
using Gatehouse.Tests.Simulator;
using Gatehouse.Tests.Usage;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Inbound;

public sealed class CountTokensEstimatorTests
{
    [Fact]
    public void Count_UsesTheChatEstimatorOverTheTranslatedBody_WithoutMaxTokens()
    {
        // One token per character makes the cookbook formula checkable by hand:
        // system: 3 + "system"(6) + "Be nice."(8) = 17; user: 3 + "user"(4) + "Hi"(2) = 9; priming 3.
        var counter = new FakeTokenCounter(text => text.Length);
        var json = CountTokensEstimator.Count(
            Encoding.UTF8.GetBytes("""{"model":"claude-x","system":"Be nice.","messages":[{"role":"user","content":"Hi"}]}"""), counter, out var error, TestContext.Current.CancellationToken);
        Assert.Null(error);
        Assert.Equal("""{"input_tokens":29}""", Encoding.UTF8.GetString(json!));
    }

    [Fact]
    public void Count_ToolsAndToolUseAreCounted()
    {
        const string WithoutTools = """{"model":"m","messages":[{"role":"user","content":"What is the weather in Paris?"}]}""";
        const string WithTools = """{"model":"m","messages":[{"role":"user","content":"What is the weather in Paris?"}],"tools":[{"name":"get_weather","description":"Current weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]}""";
        var plain = CountTokensEstimator.Estimate(Encoding.UTF8.GetBytes(WithoutTools), TiktokenCounter.Instance, out _, TestContext.Current.CancellationToken);
        var tools = CountTokensEstimator.Estimate(Encoding.UTF8.GetBytes(WithTools), TiktokenCounter.Instance, out _, TestContext.Current.CancellationToken);
        Assert.InRange(plain!.Value, 10, 25);
        Assert.True(tools > plain + 10, $"{tools} vs {plain}");
    }

    [Fact]
    public void Count_InvalidRequest_ReturnsError()
    {
        var json = CountTokensEstimator.Count(Encoding.UTF8.GetBytes("""{"model":"m","messages":[]}"""), null, out var error, TestContext.Current.CancellationToken);
        Assert.Null(json);
        Assert.Equal("invalid_request_error", error!.Type);
    }

    [Fact]
    public void ToJson_WritesInputTokens() =>
        Assert.Equal(42, JsonNode.Parse(CountTokensEstimator.ToJson(42))!["input_tokens"]!.GetValue<int>());
}
