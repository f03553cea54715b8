using System.Text;
using Xunit;

namespace Gatehouse.Tests.Simulator;

/// <summary>
/// The simulator refuses what OpenAI refuses, with OpenAI's 400: the field named in <c>param</c>,
/// <c>invalid_type</c> or <c>invalid_value</c> in <c>code</c>. Before, a wrong type was an exception
/// (a 500 through the gateway) and an absurd size was allocated (dimensions 100000000: 3 GB).
/// </summary>
public sealed class SimulatorValidationTests : IDisposable
{
    private readonly SimulatorHarness _sim = new();

    [Theory]
    [InlineData(""","encoding_format":1""", "encoding_format", "invalid_type")]
    [InlineData(""","encoding_format":"hex" """, "encoding_format", "invalid_value")]
    [InlineData(""","dimensions":"x" """, "dimensions", "invalid_type")]
    [InlineData(""","dimensions":1.5""", "dimensions", "invalid_type")]
    [InlineData(""","dimensions":100000000""", "dimensions", "invalid_value")]
    [InlineData(""","dimensions":1537""", "dimensions", "invalid_value")] // sim-fast's vectors have 1,536
    [InlineData(""","dimensions":1e30""", "dimensions", "invalid_value")]
    public async Task Embeddings_InvalidParameter_Is400NamingIt(string extra, string param, string code)
    {
        var json = await _sim.PostAsync("embeddings", $$"""{"model":"sim-fast","input":"hello"{{extra}}}""", 400);

        Assert.Equal("invalid_request_error", (string)json["error"]!["type"]!);
        Assert.Equal(param, (string)json["error"]!["param"]!);
        Assert.Equal(code, (string)json["error"]!["code"]!);
    }

    [Fact]
    public async Task Embeddings_TooManyOrTooLongInputs_Are400()
    {
        var many = "[" + string.Join(",", Enumerable.Repeat("\"x\"", 2049)) + "]";
        var tooMany = await _sim.PostAsync("embeddings", $$"""{"model":"sim-fast","input":{{many}}}""", 400);
        var tooLong = await _sim.PostAsync("embeddings", $$"""{"model":"sim-fast","input":"{{string.Concat(Enumerable.Repeat("word ", 9000))}}"}""", 400);
        var tooLongTokens = await _sim.PostAsync("embeddings", $$"""{"model":"sim-fast","input":[{{string.Join(",", Enumerable.Repeat("1", 8193))}}]}""", 400);

        Assert.Equal("input", (string)tooMany["error"]!["param"]!);
        Assert.Contains("2048", (string)tooMany["error"]!["message"]!, StringComparison.Ordinal);
        Assert.Equal("input", (string)tooLong["error"]!["param"]!);
        Assert.Contains("8192", (string)tooLong["error"]!["message"]!, StringComparison.Ordinal);
        Assert.Equal("input", (string)tooLongTokens["error"]!["param"]!);

        // At the limits, it answers.
        var most = "[" + string.Join(",", Enumerable.Repeat("\"x\"", 2048)) + "]";
        var answer = await _sim.PostAsync("embeddings", $$"""{"model":"sim-fast","input":{{most}},"dimensions":4,"encoding_format":"float"}""");
        Assert.Equal(2048, answer["data"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(""","n":"2" """, "n", "invalid_type")]
    [InlineData(""","n":129""", "n", "invalid_value")]
    [InlineData(""","n":0""", "n", "invalid_value")]
    [InlineData(""","max_tokens":0""", "max_tokens", "invalid_value")]
    [InlineData(""","max_tokens":"10" """, "max_tokens", "invalid_type")]
    [InlineData(""","max_tokens":10.5""", "max_tokens", "invalid_type")]
    [InlineData(""","max_tokens":128001""", "max_tokens", "invalid_value")]
    [InlineData(""","max_tokens":2147483647""", "max_tokens", "invalid_value")]
    [InlineData(""","max_completion_tokens":99999999999999999999""", "max_completion_tokens", "invalid_value")]
    [InlineData(""","max_completion_tokens":-1""", "max_completion_tokens", "invalid_value")]
    [InlineData(""","seed":"x" """, "seed", "invalid_type")]
    [InlineData(""","stream":"yes" """, "stream", "invalid_type")]
    [InlineData(""","stream_options":{"include_usage":1}""", "stream_options.include_usage", "invalid_type")]
    [InlineData(""","response_format":{"type":128}""", "response_format.type", "invalid_type")]
    [InlineData(""","response_format":{"type":"xml"}""", "response_format.type", "invalid_value")]
    [InlineData(""","response_format":"json" """, "response_format", "invalid_type")]
    [InlineData(""","response_format":{"type":"json_schema","json_schema":{"name":"x","schema":[]}}""", "response_format.json_schema.schema", "invalid_type")]
    [InlineData(""","tools":[{"type":"function","function":{"name":{"x":1}}}]""", "tools[0].function.name", "invalid_type")]
    [InlineData(""","tools":[{"type":"function","function":{"name":"ok"}},{"type":"function","function":{"name":"bad name"}}]""", "tools[1].function.name", "invalid_value")]
    [InlineData(""","tools":[{"type":"function","function":{"name":"f","parameters":"{}"}}]""", "tools[0].function.parameters", "invalid_type")]
    [InlineData(""","tools":{"type":"function"}""", "tools", "invalid_type")]
    [InlineData(""","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":5""", "tool_choice", "invalid_type")]
    [InlineData(""","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":7}}""", "tool_choice.function.name", "invalid_type")]
    public async Task Chat_InvalidParameter_Is400NamingIt(string extra, string param, string code)
    {
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(extra: extra), 400);

        Assert.Equal("invalid_request_error", (string)json["error"]!["type"]!);
        Assert.Equal(param, (string)json["error"]!["param"]!);
        Assert.Equal(code, (string)json["error"]!["code"]!);
    }

    [Theory]
    [InlineData("""[{"role":5,"content":"hi"}]""", "messages[0].role")]
    [InlineData("""[{"role":"user","content":"hi","name":{}}]""", "messages[0].name")]
    [InlineData("""[{"role":"user","content":[{"type":"text","text":1}]}]""", "messages[0].content[0].text")]
    [InlineData("""[{"role":"user","content":7}]""", "messages[0].content")]
    [InlineData("""[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":{}}}]}]""", "messages[1].tool_calls[0].function.arguments")]
    [InlineData("""["hi"]""", "messages[0]")]
    public async Task Chat_MessageOfTheWrongShape_Is400NamingIt(string messages, string param)
    {
        var json = await _sim.PostAsync("chat/completions", $$"""{"model":"sim-fast","messages":{{messages}}}""", 400);

        Assert.Equal(param, (string)json["error"]!["param"]!);
    }

    [Fact]
    public async Task Chat_MaxTokensAtTheModelsLimit_AnswersWithoutSizingTheAnswerByIt()
    {
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(extra: ""","max_tokens":128000,"n":128"""));

        Assert.Equal(128, json["choices"]!.AsArray().Count);
        // The answer is as long as the profile's natural length (60 ± 50%), not 128,000 tokens.
        Assert.InRange((int)json["usage"]!["completion_tokens"]!, 128, 128 * 100);
        Assert.True(Encoding.UTF8.GetByteCount(json.ToJsonString()) < 1024 * 1024);
    }

    public void Dispose() => _sim.Dispose();
}
