using System.Text.Json;
using Gatehouse.Tools;
using Xunit;

namespace Gatehouse.Tests.Tools;

/// <summary>What a tool is embedded as (<see cref="ToolEmbedder.TextOf(JsonElement)"/>): names as words, the description, parameter names.</summary>
public sealed class ToolEmbedderTextTests
{
    [Fact]
    public void TextOf_NameWordsDescriptionAndParameterNames()
    {
        using var document = JsonDocument.Parse("""
            {"type":"function","function":{"name":"get_weather","description":"Get the forecast.","parameters":{"type":"object","properties":{
              "city":{"type":"string","description":"The city to look up."},
              "days_ahead":{"type":"integer"}}}}}
            """);

        Assert.Equal("get weather: Get the forecast. Parameters: city, days ahead.", ToolEmbedder.TextOf(document.RootElement));
    }

    [Fact]
    public void TextOf_ReadsAnthropicDefinitionsToo()
    {
        using var document = JsonDocument.Parse("""{"name":"sendEmail","description":"Sends mail.","input_schema":{"type":"object","properties":{"toAddress":{"type":"string"}}}}""");

        Assert.Equal("send Email: Sends mail. Parameters: to Address.", ToolEmbedder.TextOf(document.RootElement));
    }
}
