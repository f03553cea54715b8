using System.Net;
using System.Net.Http.Headers;
using Gatehouse.OpenAI;
using Gatehouse.Providers;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>
/// Anthropic's Messages API behind the OpenAI wire protocol the gateway speaks: the OpenAI request
/// is translated to <c>POST {baseUrl}messages</c>, and the answer — a message, an SSE stream or an
/// error — comes back as OpenAI would have sent it. Streams are translated as they arrive.
/// </summary>
internal sealed class AnthropicProvider(
    string name,
    HttpMessageInvoker client,
    Uri baseUrl,
    string? apiKey,
    IReadOnlyDictionary<string, string> headers,
    AnthropicProviderOptions options,
    TimeProvider? timeProvider = null)
    : IModelProvider, IAnthropicNativeProvider
{
    /// <summary>Bodies larger than this are not plausible messages; refusing them bounds memory.</summary>
    private const int MaxResponseBytes = 64 * 1024 * 1024;

    private const int MaxErrorBytes = 1024 * 1024;

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeHeaderValue EventStreamContentType = new("text/event-stream");

    private readonly Uri _messagesUri = new(baseUrl, "messages");
    private readonly TimeProvider _timeProvider = timeProvider ?? TimeProvider.System;

    public string Name { get; } = name;

    public async Task<HttpResponseMessage> SendAsync(ProviderRequest request, CancellationToken cancellationToken)
    {
        if (request.Operation != ApiOperation.ChatCompletions)
        {
            return ErrorResponse(new OpenAIError(
                StatusCodes.Status400BadRequest, $"The provider '{Name}' (Anthropic) serves chat completions only.", "invalid_request_error", "model", "model_not_supported"));
        }

        var translated = AnthropicRequestTranslator.Translate(request.Body, options.DefaultMaxTokens);
        if (translated.Error is { } error)
        {
            return ErrorResponse(error);
        }

        using var message = CreateRequest(translated.Body!);
        var upstream = await client.SendAsync(message, cancellationToken);
        try
        {
            if (!upstream.IsSuccessStatusCode)
            {
                using (upstream)
                {
                    return await TranslateErrorAsync(upstream, cancellationToken);
                }
            }

            var created = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
            if (translated.Stream)
            {
                // The translator owns the upstream response from here: disposing the returned
                // response disposes its content, the translator, and so the upstream response.
                var body = await upstream.Content.ReadAsStreamAsync(cancellationToken);
                var translator = new AnthropicStreamTranslator(body, request.UpstreamModel, created, translated.JsonToolName, upstream);
                var streamed = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(translator) };
                streamed.Content.Headers.ContentType = EventStreamContentType;
                CopyHeaders(upstream, streamed);
                return streamed;
            }

            using (upstream)
            {
                return await TranslateMessageAsync(upstream, request.UpstreamModel, created, translated.JsonToolName, cancellationToken);
            }
        }
        catch
        {
            upstream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends an Anthropic Messages body as is (the caller has already put the upstream model name in)
    /// and returns Anthropic's answer untouched, for clients that speak Anthropic themselves.
    /// The client's <c>anthropic-beta</c> header is passed on, so beta features keep working.
    /// </summary>
    public Task<HttpResponseMessage> SendNativeAsync(ReadOnlyMemory<byte> anthropicBody, IHeaderDictionary clientHeaders, CancellationToken cancellationToken)
    {
        var message = CreateRequest(new ReadOnlyMemoryContent(anthropicBody));
        if (clientHeaders.TryGetValue("anthropic-beta", out var beta))
        {
            message.Headers.TryAddWithoutValidation("anthropic-beta", (IEnumerable<string?>)beta);
        }

        return client.SendAsync(message, cancellationToken);
    }

    private HttpRequestMessage CreateRequest(byte[] body) => CreateRequest(new ByteArrayContent(body));

    private HttpRequestMessage CreateRequest(HttpContent content)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, _messagesUri)
        {
            Content = content,
            Version = HttpVersion.Version11,
        };
        message.Content.Headers.ContentType = JsonContentType;
        if (!string.IsNullOrEmpty(apiKey))
        {
            message.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        }

        message.Headers.TryAddWithoutValidation("anthropic-version", options.Version);
        foreach (var (header, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(header, value);
        }

        return message;
    }

    private static async Task<HttpResponseMessage> TranslateMessageAsync(HttpResponseMessage upstream, string model, long created, string? jsonToolName, CancellationToken cancellationToken)
    {
        using var body = await ReadBodyAsync(upstream, MaxResponseBytes, cancellationToken);
        if (body is null || !AnthropicResponseTranslator.TryTranslate(body.Memory, model, created, jsonToolName, out var completion))
        {
            // 502 like the gateway's own malformed-response error; the gateway passes it on as an upstream failure.
            return ErrorResponse(OpenAIError.Upstream(
                StatusCodes.Status502BadGateway, "The Anthropic API answered with a body that is not a message.", "upstream_malformed_response"));
        }

        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(completion) };
        response.Content.Headers.ContentType = JsonContentType;
        CopyHeaders(upstream, response);
        return response;
    }

    private static async Task<HttpResponseMessage> TranslateErrorAsync(HttpResponseMessage upstream, CancellationToken cancellationToken)
    {
        using var body = await ReadBodyAsync(upstream, MaxErrorBytes, cancellationToken);
        var (status, json) = AnthropicErrorTranslator.Translate((int)upstream.StatusCode, body is null ? default : body.Memory.Span);
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(json) };
        response.Content.Headers.ContentType = JsonContentType;
        CopyHeaders(upstream, response);
        return response;
    }

    private static HttpResponseMessage ErrorResponse(OpenAIError error)
    {
        var response = new HttpResponseMessage((HttpStatusCode)error.StatusCode) { Content = new ByteArrayContent(ToJson(error)) };
        response.Content.Headers.ContentType = JsonContentType;
        return response;
    }

    private static byte[] ToJson(OpenAIError error)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(256);
        OpenAIErrorWriter.WriteJson(output, error);
        return output.WrittenSpan.ToArray();
    }

    private static async Task<PooledBody?> ReadBodyAsync(HttpResponseMessage upstream, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await upstream.Content.ReadAsStreamAsync(cancellationToken);
        return await PooledBody.ReadAsync(stream, upstream.Content.Headers.ContentLength, limit, cancellationToken);
    }

    /// <summary>The upstream headers worth passing on: request id, rate-limit state and Retry-After.</summary>
    private static void CopyHeaders(HttpResponseMessage upstream, HttpResponseMessage response)
    {
        foreach (var header in upstream.Headers.NonValidated)
        {
            if (header.Key.Equals("request-id", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("retry-after", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("x-should-retry", StringComparison.OrdinalIgnoreCase)
                || header.Key.StartsWith("anthropic-ratelimit-", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }
}
