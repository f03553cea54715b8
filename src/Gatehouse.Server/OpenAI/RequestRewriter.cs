using System.Buffers;
using System.Text.Json.Nodes;

namespace Gatehouse.OpenAI;

/// <summary>
/// Produces the upstream body by splicing bytes: the <c>model</c> value is replaced and, for
/// streams, <c>stream_options.include_usage</c> is forced on so usage can always be metered.
/// Every other byte is copied unchanged.
/// </summary>
internal static class RequestRewriter
{
    private static readonly byte[] IncludeUsageProperty = "\"stream_options\":{\"include_usage\":true},"u8.ToArray();

    /// <summary>Returns a pooled buffer holding the new body; dispose it when the upstream call is done.</summary>
    public static PooledBody Rewrite(ReadOnlySpan<byte> body, ParsedRequest request, byte[] upstreamModelJson)
    {
        // At most three edits: an insertion after '{', the model value, the stream_options value.
        var buffer3 = default(SpliceBuffer);
        Span<Splice> splices = buffer3;
        var count = 0;
        splices[count++] = new Splice(request.ModelValue.Start.Value, request.ModelValue.End.Value, upstreamModelJson);
        if (request.Stream && !request.ClientRequestedUsage)
        {
            if (request.StreamOptionsValue is { } options)
            {
                splices[count++] = new Splice(options.Start.Value, options.End.Value, WithIncludeUsage(body[options]));
            }
            else
            {
                splices[count++] = new Splice(request.ObjectContentStart, request.ObjectContentStart, IncludeUsageProperty);
            }
        }

        var edits = splices[..count];
        edits.Sort(static (a, b) => a.Start.CompareTo(b.Start));

        var length = body.Length;
        foreach (var edit in edits)
        {
            length += edit.Replacement.Length - (edit.End - edit.Start);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var written = 0;
        var position = 0;
        foreach (var edit in edits)
        {
            body[position..edit.Start].CopyTo(buffer.AsSpan(written));
            written += edit.Start - position;
            edit.Replacement.CopyTo(buffer.AsSpan(written));
            written += edit.Replacement.Length;
            position = edit.End;
        }

        body[position..].CopyTo(buffer.AsSpan(written));
        written += body.Length - position;
        return new PooledBody(buffer, written);
    }

    /// <summary>
    /// Replaces only the top-level <c>model</c> of any JSON body (used for Anthropic bodies passed
    /// through natively). Returns null when the body has no string <c>model</c>, which the caller
    /// has already ruled out by translating the same body.
    /// </summary>
    public static PooledBody? RewriteModel(ReadOnlySpan<byte> body, byte[] upstreamModelJson)
    {
        var parsed = OpenAIRequestReader.ReadModel(body);
        return parsed is null ? null : Rewrite(body, parsed, upstreamModelJson);
    }

    /// <summary>Rare path (client sent stream_options without include_usage): rewrite that small object through a DOM.</summary>
    private static byte[] WithIncludeUsage(ReadOnlySpan<byte> streamOptions)
    {
        var node = JsonNode.Parse(streamOptions)!.AsObject();
        node["include_usage"] = true;
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private readonly record struct Splice(int Start, int End, byte[] Replacement);

    [System.Runtime.CompilerServices.InlineArray(3)]
    private struct SpliceBuffer
    {
        private Splice _element;
    }
}
