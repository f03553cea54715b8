using System.Buffers;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace Gatehouse.Caching;

/// <summary>
/// A compact binary form of <see cref="CachedAnswer"/> for a distributed (L2) cache: a version
/// byte, then status, flags, times, headers and body. Written by hand because the body is raw bytes
/// (JSON would base64 it) and reflection-based serialization is off in this app.
/// </summary>
internal sealed class CachedAnswerSerializer : IHybridCacheSerializer<CachedAnswer>
{
    private const byte FormatVersion = 1;

    public void Serialize(CachedAnswer value, IBufferWriter<byte> target)
    {
        using var stream = new MemoryStream(value.Body.Length + 256);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write(value.StatusCode);
            writer.Write(value.Streamed);
            writer.Write(value.StoredAt.UtcTicks);
            writer.Write(value.ExpiresAt.UtcTicks);
            writer.Write(value.Headers.Count);
            foreach (var (name, text) in value.Headers)
            {
                writer.Write(name);
                writer.Write(text);
            }

            writer.Write(value.Body.Length);
            writer.Write(value.Body);
        }

        target.Write(stream.GetBuffer().AsSpan(0, (int)stream.Length));
    }

    public CachedAnswer Deserialize(ReadOnlySequence<byte> source)
    {
        using var stream = new MemoryStream(source.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Cached answer format {version} is not supported (expected {FormatVersion}).");
        }

        var status = reader.ReadInt32();
        var streamed = reader.ReadBoolean();
        var storedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var expiresAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var headers = new KeyValuePair<string, string>[reader.ReadInt32()];
        for (var i = 0; i < headers.Length; i++)
        {
            headers[i] = new(reader.ReadString(), reader.ReadString());
        }

        var body = reader.ReadBytes(reader.ReadInt32());
        return new CachedAnswer(status, headers, body, streamed, storedAt, expiresAt);
    }
}
