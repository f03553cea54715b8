using System.Text.Json.Nodes;
using Xunit;

namespace Gatehouse.Tests.Simulator;

public sealed class SimulatorChatTests : IDisposable
{
    private readonly SimulatorHarness _sim = new();

    [Fact]
    public async Task Chat_SameBody_ReturnsSameAnswerApartFromId()
    {
        var body = SimulatorHarness.Chat(extra: ",\"seed\":7");
        var first = await _sim.PostAsync("chat/completions", body);
        var second = await _sim.PostAsync("chat/completions", body);

        Assert.StartsWith("chatcmpl-", (string)first["id"]!, StringComparison.Ordinal);
        Assert.NotEqual((string)first["id"]!, (string)second["id"]!);
        first.AsObject().Remove("id");
        second.AsObject().Remove("id");
        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.False(string.IsNullOrWhiteSpace((string)first["choices"]![0]!["message"]!["content"]!));
    }

    [Fact]
    public async Task Chat_DifferentSeedOrPrompt_ReturnsDifferentText()
    {
        var a = await ContentAsync(SimulatorHarness.Chat(extra: ",\"seed\":1"));
        var b = await ContentAsync(SimulatorHarness.Chat(extra: ",\"seed\":2"));
        var c = await ContentAsync(SimulatorHarness.Chat(user: "Something else entirely", extra: ",\"seed\":1"));
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task Chat_ResponseHasOpenAIShapeAndSimulatorLabel()
    {
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat());

        Assert.Equal("chat.completion", (string)json["object"]!);
        Assert.Equal("sim-fast", (string)json["model"]!);
        Assert.Equal("gatehouse-simulator", (string)json["system_fingerprint"]!);
        Assert.Equal(_sim.Time.GetUtcNow().ToUnixTimeSeconds(), (long)json["created"]!);
        var choice = json["choices"]![0]!;
        Assert.Equal(0, (int)choice["index"]!);
        Assert.Equal("assistant", (string)choice["message"]!["role"]!);
        Assert.Null(choice["message"]!["refusal"]);
        Assert.Equal("stop", (string)choice["finish_reason"]!);
    }

    [Fact]
    public async Task Chat_Usage_CountsPromptAndCompletionWithTokenizer()
    {
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat());
        var usage = json["usage"]!;
        var content = (string)json["choices"]![0]!["message"]!["content"]!;

        var expectedPrompt = 3 + (2 * 4) + Count("You are terse.") + Count("Tell me about gardens.");
        Assert.Equal(expectedPrompt, (int)usage["prompt_tokens"]!);
        Assert.Equal(Count(content), (int)usage["completion_tokens"]!);
        Assert.Equal((int)usage["prompt_tokens"]! + (int)usage["completion_tokens"]!, (int)usage["total_tokens"]!);
        Assert.Equal(0, (int)usage["prompt_tokens_details"]!["cached_tokens"]!);
        Assert.Equal(0, (int)usage["completion_tokens_details"]!["reasoning_tokens"]!);
    }

    [Fact]
    public async Task Chat_ToolsInPrompt_AddToPromptTokens()
    {
        var tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}],\"tool_choice\":\"none\"";
        var without = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat());
        var with = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(extra: tools));
        Assert.True((int)with["usage"]!["prompt_tokens"]! > (int)without["usage"]!["prompt_tokens"]! + 5);
    }

    [Fact]
    public async Task Chat_ProfileWithReasoningAndCache_ReportsDetails()
    {
        _sim.Profiles["sim-o"] = new() { TimeToFirstTokenMs = 0, TokensPerSecond = 0, ReasoningTokensPercent = 50, CachedPromptPercent = 50 };
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(model: "sim-o"));
        var usage = json["usage"]!;
        var visible = Count((string)json["choices"]![0]!["message"]!["content"]!);

        var reasoning = (int)usage["completion_tokens_details"]!["reasoning_tokens"]!;
        Assert.Equal(visible, reasoning);
        Assert.Equal(visible + reasoning, (int)usage["completion_tokens"]!);
        Assert.Equal((int)usage["prompt_tokens"]! / 2, (int)usage["prompt_tokens_details"]!["cached_tokens"]!);
    }

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    public async Task Chat_MaxTokensBelowNaturalLength_StopsWithLength(string parameter)
    {
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(extra: $",\"{parameter}\":5"));
        var choice = json["choices"]![0]!;

        Assert.Equal("length", (string)choice["finish_reason"]!);
        var completion = (int)json["usage"]!["completion_tokens"]!;
        Assert.InRange(completion, 1, 5);
        Assert.Equal(Count((string)choice["message"]!["content"]!), completion);
    }

    [Fact]
    public async Task Chat_DefaultLength_VariesAroundProfileValue()
    {
        _sim.Profiles["sim-long"] = new() { TimeToFirstTokenMs = 0, TokensPerSecond = 0, DefaultMaxOutputTokens = 200 };
        var lengths = new List<int>();
        for (var seed = 0; seed < 8; seed++)
        {
            var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(model: "sim-long", extra: $",\"seed\":{seed}"));
            lengths.Add((int)json["usage"]!["completion_tokens"]!);
        }

        Assert.All(lengths, l => Assert.InRange(l, 90, 330));
        Assert.True(lengths.Distinct().Count() > 4, string.Join(",", lengths));
    }

    [Fact]
    public async Task Chat_N3_ReturnsThreeDifferentChoicesAndSumsUsage()
    {
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(extra: ",\"n\":3"));
        var choices = json["choices"]!.AsArray();

        Assert.Equal(3, choices.Count);
        var contents = choices.Select(c => (string)c!["message"]!["content"]!).ToList();
        Assert.Equal(3, contents.Distinct().Count());
        Assert.Equal([0, 1, 2], choices.Select(c => (int)c!["index"]!));
        Assert.Equal(contents.Sum(Count), (int)json["usage"]!["completion_tokens"]!);
    }

    [Theory]
    [InlineData("{\"model\":\"sim-fast\",\"messages\":[", "")]
    [InlineData("{\"model\":\"sim-fast\",\"messages\":[]}", "messages")]
    [InlineData("{\"model\":\"sim-fast\"}", "messages")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model")]
    [InlineData("{\"model\":\"sim-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":0}", "n")]
    public async Task Chat_InvalidBody_Returns400InvalidRequestError(string body, string param)
    {
        var json = await _sim.PostAsync("chat/completions", body, expectedStatus: 400);
        Assert.Equal("invalid_request_error", (string)json["error"]!["type"]!);
        Assert.False(string.IsNullOrEmpty((string)json["error"]!["message"]!));
        Assert.Equal(param.Length == 0 ? null : param, (string?)json["error"]!["param"]);
    }

    [Fact]
    public async Task Chat_UnknownModel_Returns404ModelNotFound()
    {
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(model: "gpt-nope"), expectedStatus: 404);
        var error = json["error"]!;
        Assert.Equal("The model `gpt-nope` does not exist", (string)error["message"]!);
        Assert.Equal("invalid_request_error", (string)error["type"]!);
        Assert.Equal("model", (string)error["param"]!);
        Assert.Equal("model_not_found", (string)error["code"]!);
    }

    [Fact]
    public async Task UnknownPath_Returns404OpenAIError()
    {
        var json = await _sim.PostAsync("completions", SimulatorHarness.Chat(), expectedStatus: 404);
        Assert.Equal("invalid_request_error", (string)json["error"]!["type"]!);
    }

    [Fact]
    public async Task Models_KnownModel_ReturnsModelObject_UnknownReturns404()
    {
        using var known = await _sim.Client.GetAsync(new Uri("models/sim-fast", UriKind.Relative), TestContext.Current.CancellationToken);
        var json = JsonNode.Parse(await known.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("sim-fast", (string)json["id"]!);
        Assert.Equal("model", (string)json["object"]!);

        using var unknown = await _sim.Client.GetAsync(new Uri("models/nope", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(404, (int)unknown.StatusCode);
    }

    public void Dispose() => _sim.Dispose();

    private static int Count(string text) => TiktokenCounter.Instance.CountTokens(text);

    private async Task<string> ContentAsync(string body) =>
        (string)(await _sim.PostAsync("chat/completions", body))["choices"]![0]!["message"]!["content"]!;
}
