using System.Text.Json;
using Gatehouse.Usage;

namespace Gatehouse.Simulator;

/// <summary>
/// What OpenAI checks on <c>/v1/embeddings</c> before any work, so the simulator refuses what a real
/// provider refuses (and never allocates what a request asks for): <c>dimensions</c> from 1 to the
/// model's own size, <c>encoding_format</c> <c>"float"</c> or <c>"base64"</c>, at most
/// <see cref="MaxInputs"/> inputs of at most <see cref="MaxTokensPerInput"/> tokens each and
/// <see cref="MaxTotalTokens"/> in all (OpenAI's published limits).
/// </summary>
internal readonly record struct EmbeddingsRequestCheck(SimulatorRequestError? Error, int Dimensions = 0, bool Base64 = false, int Tokens = 0)
{
    public const int MaxInputs = 2048;
    public const int MaxTokensPerInput = 8192;
    public const int MaxTotalTokens = 300_000;

    /// <summary>Checks a body whose <paramref name="input"/> already has one of the accepted shapes; the tokens are the usage to report.</summary>
    public static EmbeddingsRequestCheck Check(JsonElement body, JsonElement input, int modelDimensions, ITokenCounter counter, CancellationToken cancellationToken)
    {
        if (EncodingFormat(body, out var base64) is { } formatError)
        {
            return new(formatError);
        }

        var dimensions = modelDimensions;
        if (body.TryGetProperty("dimensions", out var requested) && requested.ValueKind != JsonValueKind.Null)
        {
            if (SimulatorRequestError.Integer(requested, "dimensions", 1, modelDimensions, out var value) is { } dimensionsError)
            {
                return new(dimensionsError);
            }

            dimensions = (int)value;
        }

        // One text or one token array, or an array of either.
        var single = input.ValueKind == JsonValueKind.String || input[0].ValueKind == JsonValueKind.Number;
        if (!single && input.GetArrayLength() > MaxInputs)
        {
            return new(SimulatorRequestError.InvalidValue("input", $"Invalid 'input': an array of at most {MaxInputs} inputs is allowed, but got {input.GetArrayLength()}."));
        }

        var total = 0;
        var index = 0;
        var count = single ? 1 : input.GetArrayLength();
        for (; index < count; index++)
        {
            var item = single ? input : input[index];
            var tokens = item.ValueKind == JsonValueKind.String ? counter.CountTokens(item.GetString()!, cancellationToken) : item.GetArrayLength();
            if (tokens > MaxTokensPerInput)
            {
                var which = single ? "" : $" (input {index})";
                return new(SimulatorRequestError.InvalidValue(
                    "input",
                    $"This model's maximum context length is {MaxTokensPerInput} tokens, however you requested {tokens} tokens{which}. Please reduce your prompt."));
            }

            total += tokens;
            if (total > MaxTotalTokens)
            {
                return new(SimulatorRequestError.InvalidValue("input", $"Requested {total} tokens or more over all inputs; at most {MaxTotalTokens} tokens are allowed per request."));
            }
        }

        return new(null, dimensions, base64, total);
    }

    /// <summary><c>encoding_format</c>: absent or null (float), <c>"float"</c> or <c>"base64"</c>.</summary>
    public static SimulatorRequestError? EncodingFormat(JsonElement body, out bool base64)
    {
        base64 = false;
        if (!body.TryGetProperty("encoding_format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (format.ValueKind != JsonValueKind.String)
        {
            return SimulatorRequestError.InvalidType("encoding_format", "one of 'float' or 'base64'", format);
        }

        base64 = format.ValueEquals("base64");
        return base64 || format.ValueEquals("float")
            ? null
            : SimulatorRequestError.InvalidValue("encoding_format", $"Invalid value: '{format.GetString()}'. Supported values are: 'float' and 'base64'.");
    }
}
