using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;

namespace Gatehouse.Tests.Simulator;

public sealed class SimulatorToolCallTests : IDisposable
{
    private const string WeatherParameters =
        """{"type":"object","properties":{"city":{"type":"string","minLength":2},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","unit"],"additionalProperties":false}""";

    private const string Tools =
        ""","tools":[{"type":"function","function":{"name":"search_flights","description":"Find flights between airports","parameters":{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"}},"required":["from","to"]}}},"""
        + """{"type":"function","function":{"name":"get_weather","description":"Current weather forecast for a city","parameters":""" + WeatherParameters + "}}]";

    private readonly SimulatorHarness _sim = new();

    [Theory]
    [InlineData("\"required\"")]
    [InlineData("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}")]
    public async Task Chat_ForcedToolChoice_CallsToolWithArgumentsValidAgainstParameters(string toolChoice)
    {
        var user = "What's the weather forecast in Paris?";
        for (var seed = 0; seed < 5; seed++)
        {
            var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(user: user, extra: $"{Tools},\"tool_choice\":{toolChoice},\"seed\":{seed}"));
            var choice = json["choices"]![0]!;
            var call = choice["message"]!["tool_calls"]![0]!;

            Assert.Equal("tool_calls", (string)choice["finish_reason"]!);
            Assert.Null(choice["message"]!["content"]);
            Assert.StartsWith("call_", (string)call["id"]!, StringComparison.Ordinal);
            Assert.Equal("function", (string)call["type"]!);
            Assert.Equal("get_weather", (string)call["function"]!["name"]!);
            var arguments = (string)call["function"]!["arguments"]!;
            Assert.True(JsonSchema.FromText(WeatherParameters).Evaluate(JsonDocument.Parse(arguments).RootElement).IsValid, arguments);
        }
    }

    [Fact]
    public async Task Chat_ForcedToolChoiceForUnknownFunction_Returns400()
    {
        var body = SimulatorHarness.Chat(extra: $"{Tools},\"tool_choice\":{{\"type\":\"function\",\"function\":{{\"name\":\"nope\"}}}}");
        var json = await _sim.PostAsync("chat/completions", body, expectedStatus: 400);
        Assert.Equal("tool_choice", (string)json["error"]!["param"]!);
    }

    [Theory]
    [InlineData("Please find flights from Oslo to Rome", "search_flights")]
    [InlineData("Is there a weather forecast for Oslo?", "get_weather")]
    public async Task Chat_AutoToolChoice_UserMentionsTool_CallsMostRelevantTool(string user, string expected)
    {
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(user: user, extra: Tools));
        Assert.Equal(expected, (string)json["choices"]![0]!["message"]!["tool_calls"]![0]!["function"]!["name"]!);
    }

    [Theory]
    [InlineData("Write me a poem about the sea", "")]
    [InlineData("Is there a weather forecast for Oslo?", ",\"tool_choice\":\"none\"")]
    public async Task Chat_AutoWithoutMatchOrNone_AnswersWithText(string user, string toolChoice)
    {
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(user: user, extra: Tools + toolChoice));
        var choice = json["choices"]![0]!;
        Assert.Equal("stop", (string)choice["finish_reason"]!);
        Assert.Null(choice["message"]!["tool_calls"]);
        Assert.False(string.IsNullOrEmpty((string)choice["message"]!["content"]!));
    }

    [Fact]
    public async Task Chat_ToolResultIsLastMessage_AnswersWithText()
    {
        var body = $$$"""
            {"model":"sim-fast","messages":[
              {"role":"user","content":"What's the weather forecast in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"unit\":\"celsius\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"{\"temperature\":21}"}
            ]{{{Tools}}}}
            """;
        var json = await _sim.PostAsync("chat/completions", body);
        var choice = json["choices"]![0]!;
        Assert.Equal("stop", (string)choice["finish_reason"]!);
        Assert.Null(choice["message"]!["tool_calls"]);
        Assert.IsType<JsonValue>(choice["message"]!["content"], exactMatch: false);
    }

    public void Dispose() => _sim.Dispose();
}
