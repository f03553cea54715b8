namespace Gatehouse.Usage;

/// <summary>
/// A configured price for one deployment or model, in USD per <b>million</b> tokens (the unit
/// providers publish). Bound from configuration, for example
/// <c>Gatehouse:Deployments:my-deployment:Price:InputPerMillion = 2.5</c>. Every property is optional:
/// on a model the table knows, only the properties set here replace the table's; for a model
/// the table does not know, <see cref="InputPerMillion"/> and <see cref="OutputPerMillion"/>
/// are required.
/// </summary>
public sealed class PriceOverride
{
    private const decimal PerMillion = 1_000_000m;

    /// <summary>The dearest price an override may set, per million tokens.</summary>
    public const decimal MaxPerMillion = 1_000_000m;

    public decimal? InputPerMillion { get; set; }

    public decimal? OutputPerMillion { get; set; }

    public decimal? CachedInputPerMillion { get; set; }

    public decimal? CacheWriteInputPerMillion { get; set; }

    public decimal? ReasoningOutputPerMillion { get; set; }

    public decimal? AudioInputPerMillion { get; set; }

    public decimal? AudioOutputPerMillion { get; set; }

    public decimal? InputAbove200kPerMillion { get; set; }

    public decimal? OutputAbove200kPerMillion { get; set; }

    public decimal? InputBatchPerMillion { get; set; }

    public decimal? OutputBatchPerMillion { get; set; }

    public decimal? InputPriorityPerMillion { get; set; }

    public decimal? OutputPriorityPerMillion { get; set; }

    public int? MaxInputTokens { get; set; }

    public int? MaxOutputTokens { get; set; }

    public string? Mode { get; set; }

    /// <summary>
    /// The price that results from laying this override over <paramref name="basePrice"/>
    /// (the table's price for the model, or <see langword="null"/> when it has none).
    /// </summary>
    /// <param name="name">The configuration key, named in the error when the override is unusable.</param>
    /// <exception cref="InvalidOperationException">A price is negative, or the model is unknown and the
    /// override lacks an input or output price.</exception>
    public ModelPrice ApplyTo(ModelPrice? basePrice, string name = "")
    {
        if (basePrice is null && (InputPerMillion is null || OutputPerMillion is null))
        {
            throw new InvalidOperationException(
                $"Price override '{name}' is for a model the price table does not know; set both InputPerMillion and OutputPerMillion.");
        }

        var b = basePrice ?? new ModelPrice();
        return new ModelPrice
        {
            InputPerToken = PerToken(InputPerMillion, name, nameof(InputPerMillion)) ?? b.InputPerToken,
            OutputPerToken = PerToken(OutputPerMillion, name, nameof(OutputPerMillion)) ?? b.OutputPerToken,
            CachedInputPerToken = PerToken(CachedInputPerMillion, name, nameof(CachedInputPerMillion)) ?? b.CachedInputPerToken,
            CacheWriteInputPerToken = PerToken(CacheWriteInputPerMillion, name, nameof(CacheWriteInputPerMillion)) ?? b.CacheWriteInputPerToken,
            ReasoningOutputPerToken = PerToken(ReasoningOutputPerMillion, name, nameof(ReasoningOutputPerMillion)) ?? b.ReasoningOutputPerToken,
            AudioInputPerToken = PerToken(AudioInputPerMillion, name, nameof(AudioInputPerMillion)) ?? b.AudioInputPerToken,
            AudioOutputPerToken = PerToken(AudioOutputPerMillion, name, nameof(AudioOutputPerMillion)) ?? b.AudioOutputPerToken,
            InputAbove200kPerToken = PerToken(InputAbove200kPerMillion, name, nameof(InputAbove200kPerMillion)) ?? b.InputAbove200kPerToken,
            OutputAbove200kPerToken = PerToken(OutputAbove200kPerMillion, name, nameof(OutputAbove200kPerMillion)) ?? b.OutputAbove200kPerToken,
            CachedInputAbove200kPerToken = b.CachedInputAbove200kPerToken,
            CacheWriteInputAbove200kPerToken = b.CacheWriteInputAbove200kPerToken,
            InputBatchPerToken = PerToken(InputBatchPerMillion, name, nameof(InputBatchPerMillion)) ?? b.InputBatchPerToken,
            OutputBatchPerToken = PerToken(OutputBatchPerMillion, name, nameof(OutputBatchPerMillion)) ?? b.OutputBatchPerToken,
            InputPriorityPerToken = PerToken(InputPriorityPerMillion, name, nameof(InputPriorityPerMillion)) ?? b.InputPriorityPerToken,
            OutputPriorityPerToken = PerToken(OutputPriorityPerMillion, name, nameof(OutputPriorityPerMillion)) ?? b.OutputPriorityPerToken,
            CachedInputPriorityPerToken = b.CachedInputPriorityPerToken,
            InputAbove200kPriorityPerToken = b.InputAbove200kPriorityPerToken,
            OutputAbove200kPriorityPerToken = b.OutputAbove200kPriorityPerToken,
            MaxInputTokens = MaxInputTokens ?? b.MaxInputTokens,
            MaxOutputTokens = MaxOutputTokens ?? b.MaxOutputTokens,
            Mode = Mode ?? b.Mode,
            Capabilities = b.Capabilities,
        };
    }

    private static decimal? PerToken(decimal? perMillion, string name, string property) => perMillion switch
    {
        null => null,
        < 0m => throw new InvalidOperationException($"Price override '{name}:{property}' is negative ({perMillion})."),
        // $1 a token is 400 times the dearest published price; above it, sums of int token counts
        // times prices could pass decimal's range (an OverflowException in the middle of a call).
        > MaxPerMillion => throw new InvalidOperationException($"Price override '{name}:{property}' is {perMillion} USD per million tokens; at most {MaxPerMillion:N0}."),
        { } value => value / PerMillion,
    };
}
