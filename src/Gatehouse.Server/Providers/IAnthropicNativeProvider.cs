namespace Gatehouse.Providers;

/// <summary>
/// A provider that speaks Anthropic's Messages API natively. Calls to <c>/v1/messages</c> routed to
/// it skip both translations: the client's body goes up unchanged (but for the model name) and the
/// answer comes back byte for byte.
/// </summary>
internal interface IAnthropicNativeProvider
{
    Task<HttpResponseMessage> SendNativeAsync(ReadOnlyMemory<byte> anthropicBody, IHeaderDictionary clientHeaders, CancellationToken cancellationToken);
}
