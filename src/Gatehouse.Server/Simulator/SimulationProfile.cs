namespace Gatehouse.Simulator;

/// <summary>
/// How one simulated model behaves: latency, answer length, usage details and fault rates.
/// Bound from configuration, so every property is settable and has a sensible default.
/// </summary>
public sealed class SimulationProfile
{
    /// <summary>Delay before the first token (streaming) or added to the whole answer (non-streaming).</summary>
    public int TimeToFirstTokenMs { get; set; } = 150;

    /// <summary>Output speed; 0 or less means no delay between tokens.</summary>
    public double TokensPerSecond { get; set; } = 120;

    /// <summary>Typical answer length when the request sets no max_tokens; varied ±50% by the seed.</summary>
    public int DefaultMaxOutputTokens { get; set; } = 256;

    /// <summary>
    /// The model's output limit: a request whose <c>max_tokens</c> / <c>max_completion_tokens</c> is
    /// larger is refused with a 400, as OpenAI refuses it (128,000 is the largest OpenAI publishes).
    /// </summary>
    public int MaxOutputTokens { get; set; } = 128_000;

    /// <summary>When above 0, this share (percent) of completion tokens is reported as reasoning tokens.</summary>
    public int ReasoningTokensPercent { get; set; }

    /// <summary>
    /// Vector length of embeddings when the request does not ask for <c>dimensions</c>, and the most
    /// it may ask for (as text-embedding-3 models shorten their vectors but never lengthen them).
    /// </summary>
    public int EmbeddingDimensions { get; set; } = 1536;

    /// <summary>Probability (0..1) of a 500 server_error.</summary>
    public double ErrorRate { get; set; }

    /// <summary>Probability (0..1) of a 429 with Retry-After.</summary>
    public double RateLimitRate { get; set; }

    /// <summary>Retry-After value of simulated 429 responses.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Probability (0..1) of never answering until the caller cancels.</summary>
    public double TimeoutRate { get; set; }

    /// <summary>Probability (0..1) of a stream that stops mid-way with no [DONE] (non-streaming: a truncated body).</summary>
    public double CutStreamRate { get; set; }

    /// <summary>Probability (0..1) of a body that is not valid JSON (streaming: an unparsable event).</summary>
    public double MalformedRate { get; set; }

    /// <summary>Share (percent) of prompt tokens reported as <c>prompt_tokens_details.cached_tokens</c>.</summary>
    public double CachedPromptPercent { get; set; }
}
