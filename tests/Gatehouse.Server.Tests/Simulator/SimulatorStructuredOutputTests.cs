using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;

namespace Gatehouse.Tests.Simulator;

public sealed class SimulatorStructuredOutputTests : IDisposable
{
    private readonly SimulatorHarness _sim = new();

    public static TheoryData<string> Schemas => new()
    {
        """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":18,"maximum":99}},"required":["name","age"],"additionalProperties":false}""",
        """{"type":"object","properties":{"status":{"type":"string","enum":["open","closed","pending"]},"kind":{"const":"ticket"},"flag":{"type":"boolean"},"nothing":{"type":"null"}},"required":["status","kind"],"additionalProperties":false}""",
        """{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string","minLength":3,"maxLength":5},"minItems":2,"maxItems":4},"scores":{"type":"array","items":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1}}},"required":["tags","scores"],"additionalProperties":false}""",
        """{"type":"object","properties":{"order":{"$ref":"#/$defs/order"}},"required":["order"],"additionalProperties":false,"$defs":{"order":{"type":"object","properties":{"id":{"type":"string","format":"uuid"},"lines":{"type":"array","minItems":1,"items":{"$ref":"#/$defs/line"}},"placed":{"type":"string","format":"date-time"}},"required":["id","lines","placed"],"additionalProperties":false},"line":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer","minimum":1,"multipleOf":2}},"required":["sku","qty"],"additionalProperties":false}}}""",
        """{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"node":{"$ref":"#/definitions/node"}},"required":["node"],"definitions":{"node":{"type":"object","properties":{"value":{"type":["integer","null"]},"children":{"type":"array","items":{"$ref":"#/definitions/node"},"maxItems":2}},"required":["value","children"],"additionalProperties":false}}}""",
        """{"type":"object","properties":{"contact":{"anyOf":[{"type":"string","format":"email"},{"type":"null"}]},"payment":{"oneOf":[{"type":"object","properties":{"card":{"type":"string","minLength":12}},"required":["card"]},{"type":"string"}]}},"required":["contact","payment"]}""",
        """{"type":"array","items":{"type":"integer","enum":[1,2,3]},"minItems":3,"maxItems":3,"uniqueItems":true}""",
        """{"type":"object","additionalProperties":{"type":"number","minimum":-5,"maximum":-1}}""",
    };

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task Chat_JsonSchemaFormat_ContentValidatesAgainstSchema(string schemaText)
    {
        for (var seed = 0; seed < 5; seed++)
        {
            var format = $",\"seed\":{seed},\"response_format\":{{\"type\":\"json_schema\",\"json_schema\":{{\"name\":\"out\",\"strict\":true,\"schema\":{schemaText}}}}}";
            var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(extra: format));
            var content = (string)json["choices"]![0]!["message"]!["content"]!;

            var result = JsonSchema.FromText(schemaText).Evaluate(JsonDocument.Parse(content).RootElement);
            Assert.True(result.IsValid, $"seed {seed}: {content}");
            Assert.Equal("stop", (string)json["choices"]![0]!["finish_reason"]!);
        }
    }

    [Fact]
    public async Task Chat_JsonSchemaFormat_FillsOptionalPropertiesToo()
    {
        const string Schema = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"},"c":{"type":"boolean"}},"required":["a"]}""";
        var json = await _sim.PostAsync(
            "chat/completions",
            SimulatorHarness.Chat(extra: $",\"response_format\":{{\"type\":\"json_schema\",\"json_schema\":{{\"name\":\"x\",\"schema\":{Schema}}}}}"));
        var content = JsonNode.Parse((string)json["choices"]![0]!["message"]!["content"]!)!.AsObject();
        Assert.Equal(["a", "b", "c"], content.Select(p => p.Key).Order());
    }

    [Fact]
    public async Task Chat_JsonObjectFormat_ReturnsJsonObject()
    {
        var json = await _sim.PostAsync("chat/completions", SimulatorHarness.Chat(extra: ",\"response_format\":{\"type\":\"json_object\"}"));
        var content = (string)json["choices"]![0]!["message"]!["content"]!;
        using var document = JsonDocument.Parse(content);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        Assert.NotEmpty(document.RootElement.EnumerateObject());
    }

    public void Dispose() => _sim.Dispose();
}
