using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gatehouse.Usage;

namespace Gatehouse.Simulator;

/// <summary>
/// A fake LLM provider speaking the OpenAI wire protocol in-process: chat completions (streaming
/// or not, text, JSON for a schema, tool calls), embeddings and models, with configurable latency
/// and injected faults. The gateway wraps it in an <see cref="HttpMessageInvoker"/> like any upstream.
/// Every answer is labelled with the <c>gatehouse-simulator</c> fingerprint.
/// </summary>
internal sealed partial class SimulatorHandler : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");
    private readonly Func<string, SimulationProfile?> _profileForModel;
    private readonly ITokenCounter _tokenCounter;
    private readonly TimeProvider _timeProvider;
    private readonly Func<string, TimeSpan?> _firstTokenTimeoutForModel;

    /// <param name="firstTokenTimeoutForModel">The first-token timeout of the deployment serving a model, when it has one: how long a simulated timeout lasts.</param>
    public SimulatorHandler(Func<string, SimulationProfile?> profileForModel, ITokenCounter tokenCounter, TimeProvider timeProvider, Func<string, TimeSpan?>? firstTokenTimeoutForModel = null)
    {
        ArgumentNullException.ThrowIfNull(profileForModel);
        ArgumentNullException.ThrowIfNull(tokenCounter);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _profileForModel = profileForModel;
        _tokenCounter = tokenCounter;
        _timeProvider = timeProvider;
        _firstTokenTimeoutForModel = firstTokenTimeoutForModel ?? (static _ => null);
    }

    /// <summary>
    /// How long a simulated timeout lasts when the deployment has no first-token timeout. Not its
    /// whole-call <c>TimeoutSeconds</c> (600 s by default): a demo or a test that asks for a timeout
    /// should see one in the time a person waits for a first token.
    /// </summary>
    public static readonly TimeSpan DefaultSimulatedTimeout = TimeSpan.FromSeconds(30);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = (request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.AbsolutePath : request.RequestUri?.OriginalString ?? "").TrimEnd('/');
        if (request.Method == HttpMethod.Post && path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            return ChatCompletionsAsync(request, cancellationToken);
        }

        if (request.Method == HttpMethod.Post && path.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            return EmbeddingsAsync(request, cancellationToken);
        }

        if (request.Method == HttpMethod.Get)
        {
            var models = path.LastIndexOf("/models", StringComparison.Ordinal);
            if (models >= 0 && (models + 7 == path.Length || path[models + 7] == '/'))
            {
                return Task.FromResult(Models(Uri.UnescapeDataString(path[Math.Min(path.Length, models + 8)..])));
            }
        }

        return Task.FromResult(OpenAIErrorResponse.Create(
            404, $"Invalid URL ({request.Method} {path}) on {SimulatorJson.SystemFingerprint}.", "invalid_request_error"));
    }

    internal static HttpResponseMessage JsonResponse(HttpStatusCode status, ReadOnlyMemory<byte> body)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = JsonMediaType;
        return new HttpResponseMessage(status) { Content = content };
    }

    /// <summary>Reads the request body as JSON; null when it is missing or not valid JSON.</summary>
    private static async Task<JsonDocument?> ReadJsonAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is null) return null;
        var stream = await request.Content.ReadAsStreamAsync(cancellationToken);
        await using (stream)
        {
            try
            {
                return await JsonDocument.ParseAsync(stream, Hosting.RequestJson.DerivedDocumentOptions, cancellationToken);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>Errors, 429s and timeouts happen before any work, like an overloaded provider.</summary>
    private async Task<HttpResponseMessage?> EarlyFaultAsync(string model, SimulatorRequestOptions options, CancellationToken cancellationToken)
    {
        switch (options.Fault)
        {
            case SimulatedFault.Error:
                return OpenAIErrorResponse.SimulatedError(options.ErrorStatus);
            case SimulatedFault.RateLimit:
                return OpenAIErrorResponse.RateLimited(options.RetryAfterSeconds);
            case SimulatedFault.Timeout:
                // Silence until the caller would give up, then the failure HttpClient reports for its own timeout.
                var wait = _firstTokenTimeoutForModel(model) ?? DefaultSimulatedTimeout;
                await Task.Delay(wait, _timeProvider, cancellationToken);
                throw new TaskCanceledException(
                    $"{SimulatorJson.SystemFingerprint}: simulated timeout, no answer within {wait.TotalSeconds:0.###} s.",
                    new TimeoutException());
            default:
                return null;
        }
    }

    /// <summary>A non-streamed body, cut in half or replaced by garbage when a fault says so.</summary>
    private static ReadOnlyMemory<byte> ApplyBodyFault(ReadOnlyMemory<byte> body, SimulatedFault fault) => fault switch
    {
        SimulatedFault.CutStream => body[..(body.Length / 2)],
        SimulatedFault.Malformed => "{\"id\": \"chatcmpl-<<garbage from gatehouse-simulator"u8.ToArray(),
        _ => body,
    };

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay > TimeSpan.Zero) await Task.Delay(delay, _timeProvider, cancellationToken);
    }

    private HttpResponseMessage Models(string model)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (model.Length == 0)
            {
                // The handler maps names to profiles but cannot enumerate them; the gateway lists its own models.
                w.WriteString("object"u8, "list"u8);
                w.WriteStartArray("data"u8);
                w.WriteEndArray();
            }
            else
            {
                if (_profileForModel(model) is null) return OpenAIErrorResponse.ModelNotFound(model);
                w.WriteString("id"u8, model);
                w.WriteString("object"u8, "model"u8);
                w.WriteNumber("created"u8, 0);
                w.WriteString("owned_by"u8, SimulatorJson.SystemFingerprint);
            }

            w.WriteEndObject();
        }

        return JsonResponse(HttpStatusCode.OK, buffer.WrittenMemory);
    }
}
