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

    private readonly Uri _chatUri = new(baseUrl, ApiOperation.ChatCompletions.RelativePath());
    private readonly Uri _embeddingsUri = new(baseUrl, ApiOperation.Embeddings.RelativePath());
    private readonly string? _authorization = string.IsNullOrEmpty(apiKey) ? null : "Bearer " + apiKey;

    public Task<HttpResponseMessage> SendAsync(ProviderRequest request, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, BuildUri(request))
        {
            Content = new ReadOnlyMemoryContent(request.Body),
            Version = System.Net.HttpVersion.Version11,
        };
        message.Content.Headers.ContentType = JsonContentType;
        AddAuthentication(message);
        foreach (var (header, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(header, value);
        }

        AddForwardedHeaders(message, request);
        return client.SendAsync(message, cancellationToken);
    }

    /// <summary>The upstream URL of an operation. Built per call only by adapters whose URL depends on the model (Azure).</summary>
    protected virtual Uri BuildUri(ProviderRequest request) => request.Operation == ApiOperation.ChatCompletions ? _chatUri : _embeddingsUri;

    protected virtual void AddAuthentication(HttpRequestMessage message)
    {
        if (_authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", _authorization);
        }
    }

    protected virtual void AddForwardedHeaders(HttpRequestMessage message, ProviderRequest request)
    {
    }
}
