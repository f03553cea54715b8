namespace Gatehouse.Providers;

/// <summary>
/// One upstream wire protocol. Adapters send an OpenAI-dialect body and hand back the upstream
/// response as soon as its headers arrive, so streams are relayed as they are produced.
/// </summary>
internal interface IModelProvider
{
    /// <summary>The configured provider name (<c>Gatehouse:Providers:&lt;name&gt;</c>).</summary>
    string Name { get; }

    /// <summary>Sends the call. Network failures surface as <see cref="HttpRequestException"/> or cancellation; HTTP errors come back as responses.</summary>
    Task<HttpResponseMessage> SendAsync(ProviderRequest request, CancellationToken cancellationToken);
}
