using System.Text.Json.Nodes;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Inbound;

/// <summary>Parses Anthropic SSE text strictly: every event is <c>event: T\ndata: {json with "type":T}\n\n</c>.</summary>
internal static class AnthropicSse
{
    public static List<(string Event, JsonNode Data)> Parse(string sse)
    {
        Assert.EndsWith("\n\n", sse, StringComparison.Ordinal);
        var events = new List<(string, JsonNode)>();
        foreach (var block in sse[..^2].Split("\n\n"))
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            var name = lines[0]["event: ".Length..];
            var data = JsonNode.Parse(lines[1]["data: ".Length..])!;
            Assert.Equal(name, data["type"]!.GetValue<string>());
            events.Add((name, data));
        }

        return events;
    }

    public static void AssertEvents(IReadOnlyList<(string Event, JsonNode Data)> actual, params string[] expectedData)
    {
        var message = string.Join("\n", actual.Select(e => e.Data.ToJsonString()));
        Assert.True(expectedData.Length == actual.Count, $"Expected {expectedData.Length} events, got {actual.Count}:\n{message}");
        for (var i = 0; i < expectedData.Length; i++)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedData[i]), actual[i].Data), $"Event {i}: expected {expectedData[i]}\nall events:\n{message}");
        }
    }
}
