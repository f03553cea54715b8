using System.Text.Json;

namespace Gatehouse.Anthropic;

/// <summary>Reads the events of a stream in Anthropic's own format, for calls passed through natively.</summary>
internal static class AnthropicStreamEvents
{
    /// <summary>The kind of an Anthropic stream event, from its <c>type</c> (no string is allocated).</summary>
    public static AnthropicEventKind KindOf(ReadOnlySpan<byte> json)
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
