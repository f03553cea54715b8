namespace Gatehouse.Anthropic.Upstream;

/// <summary>Settings of an Anthropic Messages upstream.</summary>
public sealed class AnthropicProviderOptions
{
    /// <summary>The <c>anthropic-version</c> header sent with every call.</summary>
    public string Version { get; set; } = "2023-06-01";

    /// <summary>
    /// Anthropic requires <c>max_tokens</c>; OpenAI does not. Used when the caller sent neither
    /// <c>max_tokens</c> nor <c>max_completion_tokens</c>.
    /// </summary>
    public int DefaultMaxTokens { get; set; } = 4096;
}
