namespace Gatehouse.Usage;

/// <summary>
/// Token counts for one call, in OpenAI's accounting: <see cref="InputTokens"/> already includes
/// <see cref="CachedInputTokens"/> and <see cref="AudioInputTokens"/>; <see cref="OutputTokens"/>
/// already includes <see cref="ReasoningTokens"/> and <see cref="AudioOutputTokens"/>.
/// The detail fields say how many of the total are priced differently; they are never added on top.
/// </summary>
/// <param name="CacheWriteInputTokens">Input tokens written to a prompt cache (Anthropic's
/// cache_creation_input_tokens), also included in <see cref="InputTokens"/>.</param>
/// <param name="Estimated">True when the upstream reported no usage and Gatehouse counted with a tokenizer.</param>
public readonly record struct TokenUsage(
    int InputTokens,
    int OutputTokens,
    int CachedInputTokens = 0,
    int ReasoningTokens = 0,
    int AudioInputTokens = 0,
    int AudioOutputTokens = 0,
    int CacheWriteInputTokens = 0,
    bool Estimated = false)
{
    /// <summary>Input plus output, saturating at <see cref="int.MaxValue"/> (upstreams report any numbers).</summary>
    public int TotalTokens => TokenMath.Add(InputTokens, OutputTokens);
}
