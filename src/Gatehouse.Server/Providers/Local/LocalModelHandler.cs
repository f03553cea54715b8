using System.Buffers;
using System.Net;
using System.Text.Json;
using Gatehouse.Simulator;

namespace Gatehouse.Providers.Local;

/// <summary>
/// Serves the OpenAI embeddings wire protocol from <see cref="LocalEmbeddingModels"/> in process, so
/// a <c>Local</c> deployment goes through routing, keys, limits and records like any upstream (the
/// gateway wraps this in an <see cref="HttpMessageInvoker"/>, as it does the simulator). Errors come
/// in OpenAI's shape: a chat call to an embedding model is refused as OpenAI refuses one.
/// </summary>
internal sealed class LocalModelHandler(LocalEmbeddingModels models) : HttpMessageHandler
{
    /// <summary>Inputs per call; OpenAI's own limit is 2,048.</summary>
    public const int MaxInputs = 2048;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.RequestUri?.AbsolutePath.TrimEnd('/') ?? "";
        if (request.Method != HttpMethod.Post || !path.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            return OpenAIErrorResponse.Create(
                404, "This is not a chat model and thus not supported in the v1/chat/completions endpoint. Local models serve /v1/embeddings only.", "invalid_request_error", "model", "model_not_supported");
        }

        JsonDocument document;
        try
        {
            document = request.Content is null
                ? throw new JsonException("no body")
                : await JsonDocument.ParseAsync(await request.Content.ReadAsStreamAsync(cancellationToken), Hosting.RequestJson.DerivedDocumentOptions, cancellationToken);
        }
        catch (JsonException)
        {
            return OpenAIErrorResponse.BadRequest("We could not parse the JSON body of your request. The request body must be valid JSON.");
        }

        using (document)
        {
            var body = document.RootElement;
            var model = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
            if (!LocalEmbeddingModels.IsKnown(model))
            {
                return OpenAIErrorResponse.ModelNotFound(model);
            }

            // Checked before the model is asked for: a bad request must not pay for loading it.
            if (InputsOf(body) is not { } inputs)
            {
                return OpenAIErrorResponse.BadRequest(
                    $"'input' must be a non-empty string or an array of 1 to {MaxInputs} non-empty strings; {model} reads text, not token arrays.", "input");
            }

            if (body.TryGetProperty("dimensions", out var dimensions) && dimensions.ValueKind != JsonValueKind.Null)
            {
                return OpenAIErrorResponse.BadRequest($"'dimensions' is not supported by {model}: its vectors always have {LocalEmbeddingModel.Dimensions}.", "dimensions");
            }

            if (EmbeddingsRequestCheck.EncodingFormat(body, out var base64) is { } formatError)
            {
                return formatError.ToResponse();
            }

            var embedder = models.Get(model)!;
            var (vectors, tokens) = await embedder.EmbedAsync(inputs, cancellationToken);
            return SimulatorHandler.JsonResponse(HttpStatusCode.OK, Answer(embedder.Name, vectors, tokens, base64));
        }
    }

    private static string[]? InputsOf(JsonElement body)
    {
        if (!body.TryGetProperty("input", out var input))
        {
            return null;
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            return input.GetString() is { Length: > 0 } text ? [text] : null;
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() is 0 or > MaxInputs)
        {
            return null;
        }

        var texts = new string[input.GetArrayLength()];
        var i = 0;
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } text)
            {
                return null;
            }

            texts[i++] = text;
        }

        return texts;
    }

    private static ReadOnlyMemory<byte> Answer(string model, float[][] vectors, int tokens, bool base64)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + (vectors.Length * LocalEmbeddingModel.Dimensions * (base64 ? 6 : 12)));
        using (var w = new Utf8JsonWriter(buffer))
        {
            EmbeddingsAnswerJson.WriteStart(w);
            for (var index = 0; index < vectors.Length; index++)
            {
                EmbeddingsAnswerJson.WriteItem(w, index, vectors[index], base64);
            }

            EmbeddingsAnswerJson.WriteEnd(w, model, tokens);
        }

        return buffer.WrittenMemory;
    }
}
