using System.Text.Json;

namespace Gatehouse.Tools;

/// <summary>
/// The search call in Anthropic's shape, for <c>/v1/messages</c> calls: the gateway answers such a
/// client in Anthropic's format (passed through from an Anthropic upstream, or translated from any
/// other), so the held answer is a Messages answer whatever provider served it. The call is a
/// <c>tool_use</c> content block; in a stream, a <c>content_block_start</c> carrying it and then its
/// input in <c>input_json_delta</c> pieces.
/// </summary>
internal static partial class SearchCallReader
{
    /// <summary>The query of the first search call in a Messages answer; null when the answer has none.</summary>
    public static string? FromMessage(ReadOnlySpan<byte> json, string searchName)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (var block in content.EnumerateArray())
            {
                if (IsToolUse(block) && NameOf(block) == searchName)
                {
                    return block.TryGetProperty("input", out var input) ? QueryOf(input.GetRawText()) : "";
                }
            }
        }
        catch (JsonException)
        {
            // Not a Messages answer: not a search call either; the client gets it as it is.
        }

        return null;
    }

    private static bool IsToolUse(JsonElement block) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
        && (type.ValueEquals("tool_use"u8) || type.ValueEquals("server_tool_use"u8));

    internal sealed partial class StreamWatcher
    {
        /// <summary>
        /// One Anthropic event: text (a non-empty <c>text_delta</c> or text block) or another tool's
        /// block decides "answer"; the search function's block decides "search" and its
        /// <c>input_json_delta</c> pieces are gathered. Thinking, pings and message events decide nothing.
        /// </summary>
        private void OnAnthropicEvent(JsonElement data)
        {
            if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return;
            }

            var index = data.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
            if (type.ValueEquals("content_block_start"u8) && data.TryGetProperty("content_block", out var block) && block.ValueKind == JsonValueKind.Object)
            {
                if (IsToolUse(block))
                {
                    var name = NameOf(block);
                    if (name == _searchName && _searchIndex < 0)
                    {
                        _searchIndex = index;
                        Decide(StreamDecision.Search);
                    }
                    else if (name != _searchName)
                    {
                        Decide(StreamDecision.Answer);
                    }
                }
                else if (block.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString()!.Length > 0)
                {
                    Decide(StreamDecision.Answer);
                }
            }
            else if (type.ValueEquals("content_block_delta"u8) && data.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
            {
                if (delta.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString()!.Length > 0)
                {
                    Decide(StreamDecision.Answer);
                }
                else if (index == _searchIndex && delta.TryGetProperty("partial_json", out var piece) && piece.ValueKind == JsonValueKind.String)
                {
                    _arguments.Append(piece.GetString());
                }
            }
        }
    }
}
