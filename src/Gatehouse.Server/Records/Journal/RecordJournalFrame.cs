using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Gatehouse.Records.Journal;

/// <summary>
/// One journal entry: the payload's length and its CRC-32 (little-endian, 4 bytes each), then the
/// record as UTF-8 JSON. The checksum is what finds a torn tail after a machine crash: reading stops
/// at the first entry that is incomplete or does not match.
/// </summary>
internal static class RecordJournalFrame
{
    public const int HeaderBytes = 8;

    /// <summary>Longer payloads are not records (one is about a kilobyte): a length beyond this is a torn or foreign file.</summary>
    public const int MaxPayloadBytes = 16 * 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    /// <summary>Encodes a record into this thread's buffer; the memory is valid until the thread encodes the next one.</summary>
    public static ReadOnlyMemory<byte> Encode(RequestRecord record)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        buffer.Advance(HeaderBytes);
        var json = t_json ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        JsonSerializer.Serialize(json, record, RecordJournalJsonContext.Default.RequestRecord);
        json.Flush();

        // The header is patched in place: ArrayBufferWriter's written memory is its own array.
        var frame = MemoryMarshal.AsMemory(buffer.WrittenMemory);
        var payload = frame.Span[HeaderBytes..];
        BinaryPrimitives.WriteInt32LittleEndian(frame.Span, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.Span[4..], Crc32.HashToUInt32(payload));
        if (buffer.Capacity > 1024 * 1024)
        {
            // A record with an enormous error message must not pin its buffer for the thread's life.
            t_buffer = null;
            t_json = null;
        }

        return frame;
    }

    /// <summary>Reads the entry at the start of <paramref name="data"/>; false when it is incomplete or corrupt.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out RequestRecord? record, out int frameLength)
    {
        record = null;
        frameLength = 0;
        if (data.Length < HeaderBytes)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (length is <= 0 or > MaxPayloadBytes || data.Length - HeaderBytes < length)
        {
            return false;
        }

        var payload = data.Slice(HeaderBytes, length);
        if (Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(data[4..]))
        {
            return false;
        }

        try
        {
            record = JsonSerializer.Deserialize(payload, RecordJournalJsonContext.Default.RequestRecord);
        }
        catch (JsonException)
        {
            return false;
        }

        frameLength = HeaderBytes + length;
        return record is not null;
    }
}
