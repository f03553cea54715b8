using System.Text.Json;

namespace Gatehouse.Gateway;

/// <summary>Cheap checks on an upstream answer: a whole JSON body, or one SSE <c>data:</c> payload of an OpenAI-format stream.</summary>
internal static class SseEvents
{
    /// <summary>True when the bytes are exactly one JSON value; one forward pass of the reader, about a microsecond for a typical chunk.</summary>
    public static bool IsCompleteJson(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            while (reader.Read())
            {
            }

            return reader.BytesConsumed == payload.Length && payload.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>An OpenAI-style error event: <c>{"error":{...}}</c>.</summary>
    public static bool IsErrorEvent(ReadOnlySpan<byte> payload) =>
        payload.StartsWith("{\"error\""u8) || payload.StartsWith("{ \"error\""u8);

    public static string? ErrorMessage(ReadOnlySpan<byte> payload) => UpstreamErrorReader.Read(payload).Message;
}
