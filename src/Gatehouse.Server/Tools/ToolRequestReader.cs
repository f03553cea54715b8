using System.Text.Json;

namespace Gatehouse.Tools;

/// <summary>
/// Reads an OpenAI chat request's <c>tools</c>, <c>tool_choice</c> and <c>messages</c> for the prefilter:
/// one forward pass over the top level with <see cref="Utf8JsonReader"/> for byte ranges, a profile
/// per definition from the cache (parsed only the first time a definition is seen), and a DOM
/// over <c>messages</c> alone for the signals. Returns null when the call has no usable tools
/// array; anything malformed is left for the upstream to refuse, as without prefiltering.
/// <see cref="AnthropicToolRequestReader"/> reads the same from a <c>/v1/messages</c> body.
/// </summary>
internal static class ToolRequestReader
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
        List<Range>? definitions = null;
        string? forced = null;
        var restricts = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueTextEquals("tools"u8) ? 1 : reader.ValueTextEquals("messages"u8) ? 2 : reader.ValueTextEquals("tool_choice"u8) ? 3 : 0;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            switch (property)
            {
                case 1 when reader.TokenType == JsonTokenType.StartArray:
                    definitions = ReadDefinitions(ref reader);
                    if (definitions is null)
                    {
                        return null;
                    }

                    tools = start..(int)reader.BytesConsumed;
                    break;
                case 3 when reader.TokenType == JsonTokenType.String:
                    restricts = reader.ValueTextEquals("none"u8);
                    break;
                case 3 when reader.TokenType == JsonTokenType.StartObject:
                    forced = ForcedName(ref reader);
                    restricts = forced is not null;
                    break;
                default:
                    reader.Skip();
                    if (property == 2)
                    {
                        messages = start..(int)reader.BytesConsumed;
                    }

                    break;
            }
        }

        if (tools is null || definitions is null || definitions.Count == 0)
        {
            return null;
        }

        var signals = new ToolSignals { ForcedTool = forced };
        if (messages is { } m)
        {
            ReadSignals(body[m], signals);
        }

        return Assemble(body, tools.Value, definitions, signals, restricts, profiles, cancellationToken);
    }

    /// <summary>The request from what a dialect's reader found: a profile per definition (from the cache) beside the byte ranges.</summary>
    internal static ToolRequest Assemble(ReadOnlySpan<byte> body, Range tools, List<Range> definitions, ToolSignals signals, bool restricts, ToolProfileCache profiles, CancellationToken cancellationToken = default)
    {
        var profileList = new ToolProfile[definitions.Count];
        for (var i = 0; i < profileList.Length; i++)
        {
            profileList[i] = profiles.Get(body[definitions[i]], cancellationToken);
        }

        return new ToolRequest
        {
            ToolsValue = tools,
            Definitions = [.. definitions],
            Profiles = profileList,
            Signals = signals,
            ToolChoiceRestricts = restricts,
        };
    }

    /// <summary>The byte range of each object in the array the reader is at; null when an entry is not an object (left for the upstream to refuse).</summary>
    internal static List<Range>? ReadDefinitions(ref Utf8JsonReader reader)
    {
        var definitions = new List<Range>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            definitions.Add(start..(int)reader.BytesConsumed);
        }

        return definitions;
    }

    /// <summary>The function a <c>tool_choice</c> object forces (<c>{"type":"function","function":{"name":"x"}}</c>).</summary>
    private static string? ForcedName(ref Utf8JsonReader reader)
    {
        string? name = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? reader.GetString() : name;
            }
        }

        return name;
    }

    private static void ReadSignals(ReadOnlySpan<byte> messagesJson, ToolSignals signals)
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
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var roleValue) || roleValue.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var role = roleValue.GetString()!;
            if (role == "user")
            {
                turnsBack = seenUser ? turnsBack + 1 : 0;
                seenUser = true;
            }

            if (message.TryGetProperty("content", out var content))
            {
                AddContent(signals, role, content, turnsBack);
            }

            if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                        && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                    {
                        signals.UsedTools.Add(name.GetString()!);
                    }
                }
            }
        }
    }

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

        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                signals.AddMessage(role, text.GetString(), turnsBack);
            }
        }
    }
}
