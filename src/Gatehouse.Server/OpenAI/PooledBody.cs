using System.Buffers;

namespace Gatehouse.OpenAI;

/// <summary>A request or response body in a rented array; returned to the pool on dispose.</summary>
internal sealed class PooledBody(byte[] buffer, int length, bool pooled = true) : IDisposable
{
    private byte[]? _buffer = buffer;

    /// <summary>Wraps an array that did not come from the pool (a translated body); disposing does not return it.</summary>
    public static PooledBody Unpooled(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Array is not null
            ? new(segment.Array, segment.Count, pooled: false)
            : new(bytes.ToArray(), bytes.Length, pooled: false);

    public ReadOnlyMemory<byte> Memory => _buffer is null ? throw new ObjectDisposedException(nameof(PooledBody)) : _buffer.AsMemory(0, Length);

    public int Length { get; } = length;

    /// <summary>Reads a whole stream into a pooled buffer. Returns null, having read no more than <paramref name="limit"/> + 1 bytes, when the stream is longer than the limit.</summary>
    public static async Task<PooledBody?> ReadAsync(Stream stream, long? expectedLength, long limit, CancellationToken cancellationToken)
    {
        if (expectedLength > limit)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(expectedLength ?? 16 * 1024, 256, limit) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return new PooledBody(buffer, length);
                }

                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null && pooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
