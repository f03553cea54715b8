using System.Text.Json;
using Gatehouse.Gateway.Sse;

namespace Gatehouse.Anthropic.Inbound;

/// <summary>
/// A read-only stream that turns an OpenAI chat completions SSE body (as the gateway relays it) into
/// Anthropic Messages SSE (<c>event: &lt;type&gt;\ndata: &lt;json&gt;\n\n</c>), event by event as the
/// upstream's lines arrive (the reading is <see cref="TranslatedEventStream"/>'s). The event mapping
/// is in <c>MessagesStreamTranslator.Events.cs</c>.
/// </summary>
/// <remarks>
/// An upstream stream that fails with an <see cref="IOException"/> or <see cref="HttpRequestException"/>,
/// or ends without <c>data: [DONE]</c>, yields an Anthropic <c>event: error</c> and then a clean end
/// without <c>message_stop</c> (which is how Anthropic's SDKs recognise an incomplete message).
/// </remarks>
internal sealed partial class MessagesStreamTranslator : TranslatedEventStream
{
    /// <param name="openAIStream">The OpenAI SSE body; owned (disposed) by this stream.</param>
    /// <param name="requestedModel">The model the client asked for, echoed in <c>message_start</c>.</param>
    /// <param name="inputTokensHint">
    /// The <c>input_tokens</c> of <c>message_start</c>, sent before the upstream's usage exists (e.g. an
    /// estimate from <see cref="CountTokensEstimator"/>); the real count follows in <c>message_delta</c>.
    /// </param>
    public MessagesStreamTranslator(Stream openAIStream, string requestedModel, int inputTokensHint = 0)
        : base(openAIStream ?? throw new ArgumentNullException(nameof(openAIStream)))
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        _model = requestedModel;
        _inputTokensHint = inputTokensHint;
        _json = new Utf8JsonWriter(Output);
    }

    protected override void OnEvent(ReadOnlySpan<byte> data) => OnData(data);

    protected override void OnInterrupted(string message) => Interrupted(message);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _json.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync();
        await base.DisposeAsync();
    }
}
