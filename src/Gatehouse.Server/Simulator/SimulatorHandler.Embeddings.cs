using System.Buffers;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Gatehouse.Providers;

namespace Gatehouse.Simulator;

internal sealed partial class SimulatorHandler
{
    private async Task<HttpResponseMessage> EmbeddingsAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var document = await ReadJsonAsync(request, cancellationToken);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return OpenAIErrorResponse.BadRequest("We could not parse the JSON body of your request. The request body must be valid JSON.");
        }

        var body = document.RootElement;
        if (!body.TryGetProperty("model", out var modelValue) || modelValue.ValueKind != JsonValueKind.String || modelValue.GetString() is not { Length: > 0 } model)
        {
            return OpenAIErrorResponse.BadRequest("You must provide a model parameter.", "model");
        }

        if (!body.TryGetProperty("input", out var input) || !IsValidInput(input))
        {
            return OpenAIErrorResponse.BadRequest("'input' must be a non-empty string, array of strings, or array of token arrays.", "input");
        }

        if (_profileForModel(model) is not { } profile) return OpenAIErrorResponse.ModelNotFound(model);
        var check = EmbeddingsRequestCheck.Check(body, input, profile.EmbeddingDimensions, _tokenCounter, cancellationToken);
        if (check.Error is { } invalid) return invalid.ToResponse();
        var (dimensions, base64, tokens) = (check.Dimensions, check.Base64, check.Tokens);
        var options = SimulatorRequestOptions.Resolve(request, profile);
        if (await EarlyFaultAsync(model, options, cancellationToken) is { } faulted) return faulted;

        var buffer = new ArrayBufferWriter<byte>(base64 ? 64 + (dimensions * 6) : 64 + (dimensions * 12));
        var vector = ArrayPool<float>.Shared.Rent(dimensions);
        try
        {
            using var w = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions);
            EmbeddingsAnswerJson.WriteStart(w);
            var single = input.ValueKind == JsonValueKind.String || input[0].ValueKind == JsonValueKind.Number;
            var count = single ? 1 : input.GetArrayLength();
            for (var index = 0; index < count; index++)
            {
                var item = single ? input : input[index];
                var values = vector.AsSpan(0, dimensions);
                FillVector(values, Fnv1a.Hash(JsonMarshal.GetRawUtf8Value(item)));
                EmbeddingsAnswerJson.WriteItem(w, index, values, base64);
            }

            EmbeddingsAnswerJson.WriteEnd(w, model, tokens);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
        }

        await DelayAsync(TimeSpan.FromMilliseconds(options.TimeToFirstTokenMs), cancellationToken);
        return JsonResponse(HttpStatusCode.OK, ApplyBodyFault(buffer.WrittenMemory, options.Fault));
    }

    private static bool IsValidInput(JsonElement input) => input.ValueKind switch
    {
        JsonValueKind.String => input.GetString()!.Length > 0,
        JsonValueKind.Array => input.GetArrayLength() > 0 &&
            (input.EnumerateArray().All(static e => e.ValueKind == JsonValueKind.String && e.GetString()!.Length > 0) ||
             input.EnumerateArray().All(static e => e.ValueKind == JsonValueKind.Number) ||
             input.EnumerateArray().All(static e => e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0 && e.EnumerateArray().All(static t => t.ValueKind == JsonValueKind.Number))),
        _ => false,
    };

    /// <summary>A deterministic unit-length vector from the input's hash.</summary>
    private static void FillVector(Span<float> values, ulong seed)
    {
        var random = new SimulatorRandom(seed);
        double sum = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = (float)((random.NextDouble() * 2) - 1);
            values[i] = v;
            sum += v * v;
        }

        var scale = sum > 0 ? (float)(1 / Math.Sqrt(sum)) : 0f;
        for (var i = 0; i < values.Length; i++) values[i] *= scale;
    }
}
