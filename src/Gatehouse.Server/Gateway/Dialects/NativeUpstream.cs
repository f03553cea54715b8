using System.Buffers;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Usage;

namespace Gatehouse.Gateway.Dialects;

/// <summary>
/// The provider side of a dialect some providers speak themselves. A call of that dialect routed to
/// such a provider skips both translations (native passthrough): the client's own body goes up
/// (but for the model name) and the answer comes back byte for byte, so the relays read its usage,
/// its stream's end and its errors in the dialect's own format, through this.
/// </summary>
internal abstract class NativeUpstream
{
    /// <summary>True when <paramref name="provider"/> takes this dialect's bodies as they are.</summary>
    public abstract bool Serves(IModelProvider provider);

    public abstract Task<HttpResponseMessage> SendAsync(IModelProvider provider, ReadOnlyMemory<byte> body, IHeaderDictionary clientHeaders, CancellationToken cancellationToken);

    /// <summary>The usage of a whole answer.</summary>
    public abstract TokenUsage ReadUsage(ReadOnlySpan<byte> answer);

    /// <summary>What one stream event is to the relay; usage it reports is folded into <paramref name="usage"/>.</summary>
    public abstract NativeStreamEvent ReadStreamEvent(ReadOnlySpan<byte> payload, ref TokenUsage? usage);

    /// <summary>Writes the error event that ends a broken stream, in this dialect's shape.</summary>
    public abstract void WriteStreamError(IBufferWriter<byte> output, OpenAIError error);
}
