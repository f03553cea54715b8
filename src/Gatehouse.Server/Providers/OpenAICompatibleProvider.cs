using System.Net.Http.Headers;

namespace Gatehouse.Providers;

/// <summary>
/// Any OpenAI-compatible API. The request body goes out as the gateway rewrote it; the response is
/// returned after its headers so the body can be relayed as it arrives.
/// </summary>
internal class OpenAICompatibleProvider(string name, HttpMessageInvoker client, Uri baseUrl, string? apiKey, IReadOnlyDictionary<string, string> headers)
    : IModelProvider
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    public string Name { get; } = name;

    /// <summary>The configured base URL, ending in a slash.</summary>
    protected Uri BaseUrl { get; } = baseUrl;

    public Task<HttpResponseMessage> SendAsync(ProviderRequest request, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, BuildUri(request))
        {
            Content = new ReadOnlyMemoryContent(request.Body),
            Version = System.Net.HttpVersion.Version11,
        };
        message.Content.Headers.ContentType = JsonContentType;
        AddAuthentication(message, apiKey);
        foreach (var (header, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(header, value);
        }

        AddForwardedHeaders(message, request);
        return client.SendAsync(message, cancellationToken);
    }

    protected virtual Uri BuildUri(ProviderRequest request) => new(BaseUrl, request.Operation.RelativePath());

    protected virtual void AddAuthentication(HttpRequestMessage message, string? key)
    {
        if (!string.IsNullOrEmpty(key))
        {
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        }
    }

    protected virtual void AddForwardedHeaders(HttpRequestMessage message, ProviderRequest request)
    {
    }
}
