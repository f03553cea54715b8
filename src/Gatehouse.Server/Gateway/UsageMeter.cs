using System.Globalization;
using System.Text.Json;
using Gatehouse.Providers;
using Gatehouse.Usage;

namespace Gatehouse.Gateway;

/// <summary>
/// Settles a call's usage and cost. Upstream-reported usage is used as is; when the upstream
/// reported none, tokens are counted with a real tokenizer and the usage is marked estimated.
/// </summary>
internal sealed class UsageMeter(ITokenCounter tokenCounter)
{
    public static void Settle(GatewayContext context, TokenUsage usage, PriceTier tier = PriceTier.Standard)
    {
        context.Outcome.Usage = usage;
        var price = context.Outcome.Deployment?.Price;
        context.Outcome.CostUsd = price is null ? 0m : CostCalculator.Compute(usage, price, tier).Total;
    }

    /// <summary>
    /// Counts the request's input and the given generated text when the upstream reported no usage.
    /// Not cancelled by the client leaving: the upstream answered, so the call is accounted for.
    /// </summary>
    public TokenUsage Estimate(GatewayContext context, string generatedText)
    {
        var output = generatedText.Length == 0 ? 0 : tokenCounter.CountTokens(generatedText, CancellationToken.None);
        return new TokenUsage(context.Call.EstimatedInputTokens ??= CountInput(context, CancellationToken.None), output, Estimated: true);
    }

    /// <summary>
    /// The call's size for token limits: its input plus the output it allows (<c>max_tokens</c>).
    /// Key and deployment limits reserve the same number; the real usage settles it afterwards.
    /// Saturating: <c>max_tokens: 2147483647</c> is the largest call there is, not a negative one.
    /// </summary>
    public int EstimateCallTokens(GatewayContext context) => TokenMath.Add(EstimateInput(context), context.Call.Request!.MaxOutputTokens ?? 0);

    /// <summary>
    /// The request's input tokens, counted with the tokenizer (the prompt, or the embedding input)
    /// once per call: limits, retries, fallbacks and usage estimates all reuse the count. Counting is
    /// linear in the body and stops (<see cref="OperationCanceledException"/>) when the client leaves.
    /// </summary>
    public int EstimateInput(GatewayContext context) => context.Call.EstimatedInputTokens ??= CountInput(context, context.Aborted);

    private int CountInput(GatewayContext context, CancellationToken cancellationToken)
    {
        if (context.Call.EstimatedInputTokens is { } counted)
        {
            return counted;
        }

        using var document = JsonDocument.Parse(context.Call.Body!.Memory, Hosting.RequestJson.DerivedDocumentOptions);
        var tokens = context.Call.Operation == ApiOperation.ChatCompletions
            ? ChatTokenEstimator.EstimatePrompt(document.RootElement, tokenCounter, cancellationToken)
            : EstimateEmbeddingInput(document.RootElement, cancellationToken);
        context.Call.EstimatedInputTokens = tokens;
        return tokens;
    }

    /// <summary>Adds the usage headers to a non-streamed response (streams cannot: headers go out before the usage exists).</summary>
    public static void WriteHeaders(GatewayContext context)
    {
        var headers = context.Http.Response.Headers;
        var usage = context.Outcome.Usage;
        headers[GatehouseHeaders.InputTokens] = usage.InputTokens.ToString(CultureInfo.InvariantCulture);
        headers[GatehouseHeaders.OutputTokens] = usage.OutputTokens.ToString(CultureInfo.InvariantCulture);
        if (usage.CachedInputTokens > 0)
        {
            headers[GatehouseHeaders.CachedTokens] = usage.CachedInputTokens.ToString(CultureInfo.InvariantCulture);
        }

        if (usage.ReasoningTokens > 0)
        {
            headers[GatehouseHeaders.ReasoningTokens] = usage.ReasoningTokens.ToString(CultureInfo.InvariantCulture);
        }

        if (usage.Estimated)
        {
            headers[GatehouseHeaders.UsageEstimated] = "true";
        }

        headers[GatehouseHeaders.CostUsd] = context.Outcome.CostUsd.ToString("0.##########", CultureInfo.InvariantCulture);
    }

    private int EstimateEmbeddingInput(JsonElement request, CancellationToken cancellationToken)
    {
        if (!request.TryGetProperty("input", out var input))
        {
            return 0;
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            return tokenCounter.CountTokens(input.GetString()!, cancellationToken);
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        // long, then saturated: a sum cannot overflow into a small (admitted) number.
        var tokens = 0L;
        foreach (var item in input.EnumerateArray())
        {
            tokens += item.ValueKind switch
            {
                JsonValueKind.String => tokenCounter.CountTokens(item.GetString()!, cancellationToken),
                JsonValueKind.Array => item.GetArrayLength(), // already token ids
                _ => 1,
            };
        }

        return (int)Math.Min(tokens, int.MaxValue);
    }
}
