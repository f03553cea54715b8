namespace Gatehouse.Usage;

/// <summary>
/// What one model costs, in USD per token, as published in the shipped price table
/// (LiteLLM's <c>model_prices_and_context_window.json</c>) or set by configuration
/// (<see cref="PriceOverride"/>). A <see langword="null"/> price means "not published";
/// <see cref="CostCalculator"/> then falls back to the plain input or output price.
/// </summary>
public sealed record ModelPrice
{
    /// <summary><c>input_cost_per_token</c>: uncached text input.</summary>
    public decimal InputPerToken { get; init; }

    /// <summary><c>output_cost_per_token</c>: text output.</summary>
    public decimal OutputPerToken { get; init; }

    /// <summary><c>cache_read_input_token_cost</c>: input served from the prompt cache.</summary>
    public decimal? CachedInputPerToken { get; init; }

    /// <summary><c>cache_creation_input_token_cost</c>: input written to the prompt cache.</summary>
    public decimal? CacheWriteInputPerToken { get; init; }

    /// <summary><c>output_cost_per_reasoning_token</c>.</summary>
    public decimal? ReasoningOutputPerToken { get; init; }

    /// <summary><c>input_cost_per_audio_token</c>.</summary>
    public decimal? AudioInputPerToken { get; init; }

    /// <summary><c>output_cost_per_audio_token</c>.</summary>
    public decimal? AudioOutputPerToken { get; init; }

    /// <summary><c>input_cost_per_token_above_200k_tokens</c>: whole prompt priced so when it exceeds 200,000 tokens.</summary>
    public decimal? InputAbove200kPerToken { get; init; }

    /// <summary><c>output_cost_per_token_above_200k_tokens</c>.</summary>
    public decimal? OutputAbove200kPerToken { get; init; }

    /// <summary><c>cache_read_input_token_cost_above_200k_tokens</c>.</summary>
    public decimal? CachedInputAbove200kPerToken { get; init; }

    /// <summary><c>cache_creation_input_token_cost_above_200k_tokens</c>.</summary>
    public decimal? CacheWriteInputAbove200kPerToken { get; init; }

    /// <summary><c>input_cost_per_token_batches</c>.</summary>
    public decimal? InputBatchPerToken { get; init; }

    /// <summary><c>output_cost_per_token_batches</c>.</summary>
    public decimal? OutputBatchPerToken { get; init; }

    /// <summary><c>input_cost_per_token_priority</c>.</summary>
    public decimal? InputPriorityPerToken { get; init; }

    /// <summary><c>output_cost_per_token_priority</c>.</summary>
    public decimal? OutputPriorityPerToken { get; init; }

    /// <summary><c>cache_read_input_token_cost_priority</c>.</summary>
    public decimal? CachedInputPriorityPerToken { get; init; }

    /// <summary><c>input_cost_per_token_above_200k_tokens_priority</c>.</summary>
    public decimal? InputAbove200kPriorityPerToken { get; init; }

    /// <summary><c>output_cost_per_token_above_200k_tokens_priority</c>.</summary>
    public decimal? OutputAbove200kPriorityPerToken { get; init; }

    /// <summary><c>max_input_tokens</c> (context window), when published.</summary>
    public int? MaxInputTokens { get; init; }

    /// <summary><c>max_output_tokens</c>, when published.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary><c>mode</c>: chat, embedding, completion, responses, audio_transcription, …</summary>
    public string? Mode { get; init; }

    /// <summary>The <c>supports_*</c> flags that are true.</summary>
    public ModelCapabilities Capabilities { get; init; }
}
