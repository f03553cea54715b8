namespace Gatehouse.Usage;

/// <summary>
/// Prices a <see cref="TokenUsage"/> (OpenAI accounting: details are inside the totals) with a
/// <see cref="ModelPrice"/>. Pure, allocation-free, <see cref="decimal"/> throughout.
/// </summary>
/// <remarks>
/// Which per-token price applies, most specific first:
/// <list type="bullet">
/// <item>Long context: when <see cref="TokenUsage.InputTokens"/> exceeds 200,000 and the model publishes
/// above-200k prices, every input and output token of the call is priced at them (the providers'
/// rule: the whole prompt, not the part beyond 200k). Fields without an above-200k price keep theirs.</item>
/// <item>Tier: batch and priority prices replace the standard input/output price when published.
/// Priority with long context uses the <c>*_above_200k_tokens_priority</c> price, else the priority
/// price. The table publishes no batch price for long context; batch then uses the batch price.</item>
/// <item>Cached input: the cached price for the tier/context (priority cached, above-200k cached,
/// cached), falling back to the resolved input price. Cache writes likewise, falling back to input.</item>
/// <item>Reasoning: <see cref="ModelPrice.ReasoningOutputPerToken"/> when published, else the resolved output price.</item>
/// <item>Audio: the audio price, falling back to the resolved input or output price.</item>
/// </list>
/// Detail counts are clamped into their totals in the order cached, cache-write, audio for input
/// and reasoning, audio for output; when that changes anything <see cref="CostBreakdown.Clamped"/> is set.
/// </remarks>
internal static class CostCalculator
{
    /// <summary>Prompts longer than this many tokens are billed at the long-context price, where one exists.</summary>
    public const int LongContextThreshold = 200_000;

    public static CostBreakdown Compute(TokenUsage usage, ModelPrice price, PriceTier tier = PriceTier.Standard)
    {
        ArgumentNullException.ThrowIfNull(price);

        var clamped = false;
        var input = Clamp(usage.InputTokens, int.MaxValue, ref clamped);
        var cached = Clamp(usage.CachedInputTokens, input, ref clamped);
        var cacheWrite = Clamp(usage.CacheWriteInputTokens, input - cached, ref clamped);
        var audioIn = Clamp(usage.AudioInputTokens, input - cached - cacheWrite, ref clamped);
        var textIn = input - cached - cacheWrite - audioIn;

        var output = Clamp(usage.OutputTokens, int.MaxValue, ref clamped);
        var reasoning = Clamp(usage.ReasoningTokens, output, ref clamped);
        var audioOut = Clamp(usage.AudioOutputTokens, output - reasoning, ref clamped);
        var textOut = output - reasoning - audioOut;

        var longContext = input > LongContextThreshold;
        var inputRate = InputRate(price, tier, longContext);
        var outputRate = OutputRate(price, tier, longContext);
        var cachedRate = CachedRate(price, tier, longContext) ?? inputRate;
        var cacheWriteRate = (longContext ? price.CacheWriteInputAbove200kPerToken : null) ?? price.CacheWriteInputPerToken ?? inputRate;

        return new CostBreakdown(
            Input: textIn * inputRate,
            CachedInput: cached * cachedRate,
            CacheWriteInput: cacheWrite * cacheWriteRate,
            Output: textOut * outputRate,
            Reasoning: reasoning * (price.ReasoningOutputPerToken ?? outputRate),
            AudioInput: audioIn * (price.AudioInputPerToken ?? inputRate),
            AudioOutput: audioOut * (price.AudioOutputPerToken ?? outputRate))
        {
            Clamped = clamped,
        };
    }

    private static decimal InputRate(ModelPrice p, PriceTier tier, bool longContext) => tier switch
    {
        PriceTier.Batch when p.InputBatchPerToken is { } batch => batch,
        PriceTier.Priority when longContext && p.InputAbove200kPriorityPerToken is { } rate => rate,
        PriceTier.Priority when p.InputPriorityPerToken is { } rate => rate,
        _ => (longContext ? p.InputAbove200kPerToken : null) ?? p.InputPerToken,
    };

    private static decimal OutputRate(ModelPrice p, PriceTier tier, bool longContext) => tier switch
    {
        PriceTier.Batch when p.OutputBatchPerToken is { } batch => batch,
        PriceTier.Priority when longContext && p.OutputAbove200kPriorityPerToken is { } rate => rate,
        PriceTier.Priority when p.OutputPriorityPerToken is { } rate => rate,
        _ => (longContext ? p.OutputAbove200kPerToken : null) ?? p.OutputPerToken,
    };

    private static decimal? CachedRate(ModelPrice p, PriceTier tier, bool longContext) =>
        (tier == PriceTier.Priority && !longContext ? p.CachedInputPriorityPerToken : null)
        ?? (longContext ? p.CachedInputAbove200kPerToken : null)
        ?? p.CachedInputPerToken;

    // Negative counts become 0; a detail larger than what is left of its total is cut to fit.
    private static int Clamp(int value, int max, ref bool clamped)
    {
        var result = Math.Clamp(value, 0, max);
        clamped |= result != value;
        return result;
    }
}
