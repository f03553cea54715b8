using System.Text.Json;

namespace Gatehouse.OpenAI;

/// <summary>
/// Finds a stream chunk's top-level <c>usage</c> property, comma included, so the relay can cut it
/// out without re-serialising the chunk. Gatehouse always asks the upstream for usage (it meters
/// every call); a client that did not ask must get chunks as OpenAI would send them without
/// <c>include_usage</c>, with no <c>usage</c> field at all, not the <c>"usage":null</c> the request
/// we changed brings on every chunk.
/// </summary>
internal static class ChunkUsageField
{
    /// <summary>The byte range of <c>"usage":…</c> and one comma beside it; false when the chunk has none (or is not an object).</summary>
    public static bool TryFind(ReadOnlySpan<byte> chunk, out Range cut)
    {
        cut = default;
        if (chunk.IndexOf("\"usage\""u8) < 0)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(chunk);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                var isUsage = reader.ValueTextEquals("usage"u8);
                reader.Read();
                reader.Skip();
                if (isUsage)
                {
                    cut = WithOneComma(chunk, start, (int)reader.BytesConsumed);
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // The relay has already checked the chunk is JSON; one that is not keeps its bytes.
        }

        return false;
    }

    /// <summary>The comma before the property (it is not the first), else the one after it (it is not the last either).</summary>
    private static Range WithOneComma(ReadOnlySpan<byte> chunk, int start, int end)
    {
        var before = start - 1;
        while (before >= 0 && IsWhitespace(chunk[before]))
        {
            before--;
        }

        if (before >= 0 && chunk[before] == (byte)',')
        {
            return before..end;
        }

        var after = end;
        while (after < chunk.Length && IsWhitespace(chunk[after]))
        {
            after++;
        }

        return after < chunk.Length && chunk[after] == (byte)',' ? start..(after + 1) : start..end;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
