using System.Text.Json;

namespace Gatehouse.Tools;

/// <summary>
/// <see cref="ToolRequestReader"/> for an Anthropic Messages body (<c>/v1/messages</c>), so the
/// client's own body can be narrowed byte for byte: definitions are <c>{"name","description","input_schema"}</c>
/// (server tools, which carry a <c>type</c> such as <c>web_search_20250305</c>, are profiled as always
/// kept); the conversation's calls are assistant <c>tool_use</c> blocks; <c>tool_choice</c>
/// <c>{"type":"tool","name":"x"}</c> forces x and <c>{"type":"none"}</c> leaves nothing to search for
/// (<c>any</c>, like OpenAI's <c>required</c>, does not); the top-level <c>system</c> (a string or text
/// blocks) counts as instructions. <c>tool_result</c> blocks are data, not intent: they add no terms and,
/// like OpenAI's <c>tool</c> messages, a user turn made only of them is not a turn.
/// </summary>
internal static class AnthropicToolRequestReader
{
    public static ToolRequest? Read(ReadOnlySpan<byte> body, ToolProfileCache profiles, CancellationToken cancellationToken = default)
    {
        var reader = new Utf8JsonReader(body, Hosting.RequestJson.DerivedReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        Range? tools = null;
        Range? messages = null;
        Range? system = null;
        List<Range>? definitions = null;
        string? forced = null;
        var restricts = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueTextEquals("tools"u8) ? 1 : reader.ValueTextEquals("messages"u8) ? 2 : reader.ValueTextEquals("tool_choice"u8) ? 3 : reader.ValueTextEquals("system"u8) ? 4 : 0;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            switch (property)
            {
                case 1 when reader.TokenType == JsonTokenType.StartArray:
                    definitions = ToolRequestReader.ReadDefinitions(ref reader);
                    if (definitions is null)
                    {
                        return null;
                    }

                    tools = start..(int)reader.BytesConsumed;
                    break;
                case 3 when reader.TokenType == JsonTokenType.StartObject:
                    (forced, restricts) = ReadChoice(ref reader);
                    break;
                default:
                    reader.Skip();
                    if (property == 2)
                    {
                        messages = start..(int)reader.BytesConsumed;
                    }
                    else if (property == 4)
                    {
                        system = start..(int)reader.BytesConsumed;
                    }

                    break;
            }
        }

        if (tools is null || definitions is null || definitions.Count == 0)
        {
            return null;
        }

        var signals = new ToolSignals { ForcedTool = forced };
        if (system is { } s)
        {
            ReadSystem(body[s], signals);
        }

        if (messages is { } m)
        {
            ReadMessages(body[m], signals);
        }

        return ToolRequestReader.Assemble(body, tools.Value, definitions, signals, restricts, profiles, cancellationToken);
    }

    /// <summary><c>{"type":"tool","name":"x"}</c> forces x; <c>{"type":"none"}</c> restricts; <c>auto</c> and <c>any</c> neither.</summary>
    private static (string? Forced, bool Restricts) ReadChoice(ref Utf8JsonReader reader)
    {
        string? type = null;
        string? name = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var field = reader.ValueTextEquals("type"u8) ? 1 : reader.ValueTextEquals("name"u8) ? 2 : 0;
            reader.Read();
            if (field > 0 && reader.TokenType == JsonTokenType.String)
            {
                (type, name) = field == 1 ? (reader.GetString(), name) : (type, reader.GetString());
            }
            else
            {
                reader.Skip();
            }
        }

        return type switch
        {
            "tool" when name is not null => (name, true),
            "none" => (null, true),
            _ => (null, false),
        };
    }

    private static void ReadSystem(ReadOnlySpan<byte> systemJson, ToolSignals signals)
    {
        var reader = new Utf8JsonReader(systemJson);
        using var document = JsonDocument.ParseValue(ref reader);
        AddContent(signals, "system", document.RootElement, 0);
    }

    private static void ReadMessages(ReadOnlySpan<byte> messagesJson, ToolSignals signals)
    {
        var reader = new Utf8JsonReader(messagesJson);
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var messages = document.RootElement;
        var turnsBack = 0;
        var seenUser = false;
        for (var i = messages.GetArrayLength() - 1; i >= 0; i--)
        {
            var message = messages[i];
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var roleValue) || roleValue.ValueKind != JsonValueKind.String
                || !message.TryGetProperty("content", out var content))
            {
                continue;
            }

            var role = roleValue.GetString()!;
            if (role == "user" && IsUserTurn(content))
            {
                turnsBack = seenUser ? turnsBack + 1 : 0;
                seenUser = true;
            }

            AddContent(signals, role, content, turnsBack);
        }
    }

    /// <summary>A user message with something the user said: tool results alone are the answer to a call, not a turn.</summary>
    private static bool IsUserTurn(JsonElement content)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            return content.ValueKind == JsonValueKind.String;
        }

        foreach (var block in content.EnumerateArray())
        {
            if (TypeOf(block) is not ("tool_result" or null))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Text (a string or text blocks) adds terms; <c>tool_use</c> blocks name tools already called; anything else is not intent.</summary>
    private static void AddContent(ToolSignals signals, string role, JsonElement content, int turnsBack)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            signals.AddMessage(role, content.GetString(), turnsBack);
            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var block in content.EnumerateArray())
        {
            switch (TypeOf(block))
            {
                case "text" when block.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String:
                    signals.AddMessage(role, text.GetString(), turnsBack);
                    break;
                case "tool_use" or "server_tool_use" when role == "assistant" && block.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String:
                    signals.UsedTools.Add(name.GetString()!);
                    break;
            }
        }
    }

    private static string? TypeOf(JsonElement block) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
}
