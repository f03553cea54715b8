using System.Buffers;
using Gatehouse.OpenAI;

namespace Gatehouse.Tools;

/// <summary>
/// Writes the upstream body with a narrower <c>tools</c> array: every byte outside the array is the
/// client's, and each kept definition is copied byte for byte in the client's order; the search
/// function, when offered, goes last.
/// </summary>
internal static class ToolBodyWriter
{
    public static PooledBody Write(ReadOnlySpan<byte> body, ToolRequest request, bool[] kept, byte[]? searchTool)
    {
        var (start, end) = (request.ToolsValue.Start.Value, request.ToolsValue.End.Value);
        var length = start + (body.Length - end) + 2 + (searchTool?.Length + 1 ?? 0);
        for (var i = 0; i < kept.Length; i++)
        {
            if (kept[i])
            {
                length += request.Definitions[i].End.Value - request.Definitions[i].Start.Value + 1;
            }
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var span = buffer.AsSpan();
        var written = Copy(body[..start], span, 0);
        span[written++] = (byte)'[';
        var first = true;
        for (var i = 0; i < kept.Length; i++)
        {
            if (!kept[i])
            {
                continue;
            }

            if (!first)
            {
                span[written++] = (byte)',';
            }

            written = Copy(body[request.Definitions[i]], span, written);
            first = false;
        }

        if (searchTool is not null)
        {
            if (!first)
            {
                span[written++] = (byte)',';
            }

            written = Copy(searchTool, span, written);
        }

        span[written++] = (byte)']';
        written = Copy(body[end..], span, written);
        return new PooledBody(buffer, written);
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> target, int at)
    {
        source.CopyTo(target[at..]);
        return at + source.Length;
    }
}
