using System.Text.Json;
using Gatehouse.Anthropic.Upstream;
using Gatehouse.Usage;

namespace Gatehouse.Gateway;

/// <summary>Token usage from Anthropic's own wire format, for calls passed through natively.</summary>
internal static class AnthropicNativeUsage
{
    /// <summary>The <c>usage</c> of a whole message (plain answer), or of <c>message_start</c>/<c>message_delta</c> events.</summary>
    public static TokenUsage FromMessage(ReadOnlySpan<byte> json, TokenUsage previous = default)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var usage = root.TryGetProperty("usage"u8, out var direct) ? direct
                : root.TryGetProperty("message"u8, out var message) && message.TryGetProperty("usage"u8, out var nested) ? nested
                : default;
            if (usage.ValueKind != JsonValueKind.Object)
            {
                return previous;
            }

            var prior = new AnthropicUsage(
                previous.InputTokens - previous.CachedInputTokens - previous.CacheWriteInputTokens,
                previous.OutputTokens,
                previous.CacheWriteInputTokens,
                previous.CachedInputTokens);
            var read = AnthropicUsage.Read(usage, prior);
            return new TokenUsage(read.PromptTokens, read.OutputTokens, CachedInputTokens: read.CacheReadInputTokens, CacheWriteInputTokens: read.CacheCreationInputTokens);
        }
        catch (JsonException)
        {
            return previous;
        }
    }

    /// <summary>The kind of an Anthropic stream event, from its <c>type</c> (no string is allocated).</summary>
    public static AnthropicEventKind EventKind(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return AnthropicEventKind.Other;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    return reader.ValueTextEquals("message_start"u8) ? AnthropicEventKind.MessageStart
                        : reader.ValueTextEquals("message_delta"u8) ? AnthropicEventKind.MessageDelta
                        : reader.ValueTextEquals("message_stop"u8) ? AnthropicEventKind.MessageStop
                        : reader.ValueTextEquals("error"u8) ? AnthropicEventKind.Error
                        : AnthropicEventKind.Other;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return AnthropicEventKind.Other;
    }
}
