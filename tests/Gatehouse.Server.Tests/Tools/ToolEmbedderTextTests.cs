using System.Text.Json;
using Gatehouse.Tools;
using Xunit;

namespace Gatehouse.Tests.Tools;

/// <summary>What a tool is embedded as (<see cref="ToolEmbedder.TextOf(JsonElement)"/>), and the text with parameter descriptions the benchmark compares it with.</summary>
public sealed class ToolEmbedderTextTests
{
    private const string Weather = """
        {"type":"function","function":{"name":"get_weather","description":"Get the forecast.","parameters":{"type":"object","properties":{
          "city":{"type":"string","description":"The city to look up."},
          "days_ahead":{"type":"integer"}}}}}
        """;

    private static string TextOf(string tool, bool parameterDescriptions)
    {
        using var document = JsonDocument.Parse(tool);
        return ToolEmbedder.TextOf(document.RootElement, parameterDescriptions);
    }

    [Fact]
    public void TextOf_NameWordsDescriptionAndParameterNames()
    {
        using var document = JsonDocument.Parse(Weather);

        Assert.Equal("get weather: Get the forecast. Parameters: city, days ahead.", ToolEmbedder.TextOf(document.RootElement));
        Assert.Equal(ToolEmbedder.TextOf(document.RootElement), TextOf(Weather, parameterDescriptions: false));
    }

    [Fact]
    public void TextOf_WithParameterDescriptions_AddsEachInParentheses_WithoutItsFullStop()
        => Assert.Equal("get weather: Get the forecast. Parameters: city (The city to look up), days ahead.", TextOf(Weather, parameterDescriptions: true));

    [Fact]
    public void TextOf_WithParameterDescriptions_CutsEachAtItsWordLimit()
    {
        var words = Enumerable.Range(1, ToolEmbedder.ParameterDescriptionWords + 5).Select(i => $"w{i}").ToArray();
        var description = string.Join(@"  \n", words); // words apart by spaces and escaped newlines
        var tool = "{\"name\":\"f\",\"description\":\"d\",\"input_schema\":{\"properties\":{\"x\":{\"description\":\"" + description + "\"}}}}";

        Assert.Equal($"f: d Parameters: x ({string.Join(' ', words.Take(ToolEmbedder.ParameterDescriptionWords))}).", TextOf(tool, parameterDescriptions: true));
    }
}
