namespace Gatehouse.Usage;

/// <summary>
/// The USD cost of one call, split by what was priced. Each part covers a disjoint set of tokens,
/// so <see cref="Total"/> is their plain sum.
/// </summary>
/// <param name="Input">Uncached text input.</param>
/// <param name="CachedInput">Input read from the prompt cache.</param>
/// <param name="CacheWriteInput">Input written to the prompt cache.</param>
/// <param name="Output">Text output, excluding reasoning and audio.</param>
/// <param name="Reasoning">Reasoning (thinking) output.</param>
/// <param name="AudioInput">Audio input.</param>
/// <param name="AudioOutput">Audio output.</param>
public readonly record struct CostBreakdown(
    decimal Input,
    decimal CachedInput,
    decimal CacheWriteInput,
    decimal Output,
    decimal Reasoning,
    decimal AudioInput,
    decimal AudioOutput)
{
    /// <summary>
    /// True when the usage's detail counts did not fit inside its totals (for example more cached
    /// tokens than input tokens) and were clamped before pricing. The cost is still never negative
    /// and never counts a token twice, but the usage record deserves a look.
    /// </summary>
    public bool Clamped { get; init; }

    public decimal Total => Input + CachedInput + CacheWriteInput + Output + Reasoning + AudioInput + AudioOutput;
}
