using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;

namespace Gatehouse.Storage;

/// <summary>
/// The keyset position after the last record of a page: its timestamp (µs) and id, packed into
/// 25 bytes (format version, big-endian timestamp, Guid) and written as base64url.
/// </summary>
internal readonly record struct RequestRecordCursor(long TimestampUs, Guid Id)
{
    private const byte FormatVersion = 1;
    private const int Size = 1 + sizeof(long) + 16;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Size];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], TimestampUs);
        Id.TryWriteBytes(bytes[9..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string value, out RequestRecordCursor cursor)
    {
        cursor = default;
        Span<byte> bytes = stackalloc byte[Size + 3];
        if (value.Length > 40
            // TryDecodeFromChars throws on characters outside the alphabet; this overload reports them.
            || Base64Url.DecodeFromChars(value, bytes, out _, out var written) != OperationStatus.Done
            || written != Size
            || bytes[0] != FormatVersion)
        {
            return false;
        }

        cursor = new RequestRecordCursor(
            BinaryPrimitives.ReadInt64BigEndian(bytes[1..]),
            new Guid(bytes[9..Size], bigEndian: true));
        return true;
    }
}
