using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Prompts;

/// <summary>
/// A version rendered with inputs: everything a chat completion needs, nothing sent yet. This is
/// what executions build their request from (<see cref="ToChatRequest"/>) and validate against.
/// </summary>
internal sealed record RenderedPrompt
{
    public required PromptVersion Version { get; init; }

    /// <summary>The messages with every template filled in, in order.</summary>
    public required IReadOnlyList<RenderedMessage> Messages { get; init; }

    /// <summary>The version's model alias.</summary>
    public required string Model { get; init; }

    /// <summary>The version's chat parameters under OpenAI's names (a JSON object), or null.</summary>
    public JsonElement? Parameters { get; init; }

    /// <summary>The version's OpenAI tool definitions (a JSON array), or null.</summary>
    public JsonElement? Tools { get; init; }

    /// <summary>The JSON Schema the answer must match, or null for free text.</summary>
    public JsonElement? ResponseSchema { get; init; }

    /// <summary><c>{"type":"json_schema","json_schema":{"name","schema","strict"}}</c> when there is a schema, else null.</summary>
    public JsonElement? ResponseFormat { get; init; }

    /// <summary>Repair attempts an execution may make after a schema failure (0 without a schema).</summary>
    public int MaxRepairAttempts { get; init; }

    /// <summary>The values the templates saw: the inputs given plus the defaults of those left out.</summary>
    public required IReadOnlyDictionary<string, JsonElement> Inputs { get; init; }

    /// <summary>
    /// A new OpenAI chat-completion body: <c>model</c>, <c>messages</c>, the parameters, <c>tools</c> and
    /// <c>response_format</c>. The caller owns it and may override fields (<c>temperature</c>, <c>stream</c>…) before sending.
    /// </summary>
    public JsonObject ToChatRequest()
    {
        var request = new JsonObject { ["model"] = Model };
        var messages = new JsonArray();
        foreach (var message in Messages)
        {
            messages.Add(new JsonObject { ["role"] = message.Role, ["content"] = message.Content });
        }

        request["messages"] = messages;
        if (Parameters is { ValueKind: JsonValueKind.Object } parameters)
        {
            foreach (var parameter in parameters.EnumerateObject())
            {
                request[parameter.Name] = JsonNode.Parse(parameter.Value.GetRawText());
            }
        }

        if (Tools is { } tools)
        {
            request["tools"] = JsonNode.Parse(tools.GetRawText());
        }

        if (ResponseFormat is { } format)
        {
            request["response_format"] = JsonNode.Parse(format.GetRawText());
        }

        return request;
    }
}
