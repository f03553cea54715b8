namespace Gatehouse.Providers;

/// <summary>
/// Azure OpenAI: the deployment is part of the URL
/// (<c>{resource}/openai/deployments/{deployment}/chat/completions?api-version=…</c>) and the key
/// travels in the <c>api-key</c> header.
/// </summary>
internal sealed class AzureOpenAIProvider(string name, HttpMessageInvoker client, Uri resourceUrl, string apiVersion, string? apiKey, IReadOnlyDictionary<string, string> headers)
    : OpenAICompatibleProvider(name, client, resourceUrl, apiKey: null, headers)
{
    protected override Uri BuildUri(ProviderRequest request) =>
        new(BaseUrl, $"openai/deployments/{Uri.EscapeDataString(request.UpstreamModel)}/{request.Operation.RelativePath()}?api-version={Uri.EscapeDataString(apiVersion)}");

    protected override void AddAuthentication(HttpRequestMessage message)
    {
        if (!string.IsNullOrEmpty(apiKey))
        {
            message.Headers.TryAddWithoutValidation("api-key", apiKey);
        }
    }
}
