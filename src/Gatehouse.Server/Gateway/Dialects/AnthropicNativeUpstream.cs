using System.Buffers;
using Gatehouse.Anthropic;
using Gatehouse.Anthropic.Inbound;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Usage;

namespace Gatehouse.Gateway.Dialects;

/// <summary>An Anthropic deployment (<see cref="IAnthropicNativeProvider"/>) serving a <c>/v1/messages</c> call in Anthropic's own format.</summary>
internal sealed class AnthropicNativeUpstream : NativeUpstream
{
    public static readonly AnthropicNativeUpstream Instance = new();

    private AnthropicNativeUpstream()
    {
    }

    public override bool Serves(IModelProvider provider) => provider is IAnthropicNativeProvider;

    public override Task<HttpResponseMessage> SendAsync(IModelProvider provider, ReadOnlyMemory<byte> body, IHeaderDictionary clientHeaders, CancellationToken cancellationToken) =>
        ((IAnthropicNativeProvider)provider).SendNativeAsync(body, clientHeaders, cancellationToken);

    public override TokenUsage ReadUsage(ReadOnlySpan<byte> answer) => AnthropicUsage.ReadTokenUsage(answer);

    public override NativeStreamEvent ReadStreamEvent(ReadOnlySpan<byte> payload, ref TokenUsage? usage)
    {
        switch (AnthropicStreamEvents.KindOf(payload))
        {
            case AnthropicEventKind.MessageStart:
            case AnthropicEventKind.MessageDelta:
                usage = AnthropicUsage.ReadTokenUsage(payload, usage ?? default);
                return NativeStreamEvent.Usage;
            case AnthropicEventKind.MessageStop:
                return NativeStreamEvent.End;
            case AnthropicEventKind.Error:
                return NativeStreamEvent.Error;
            default:
                return NativeStreamEvent.Content;
        }
    }

    public override void WriteStreamError(IBufferWriter<byte> output, OpenAIError error) =>
        AnthropicErrorWriter.WriteStreamEvent(output, AnthropicError.FromOpenAI(error));
}
