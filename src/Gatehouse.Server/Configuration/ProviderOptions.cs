namespace Gatehouse.Configuration;

/// <summary>One upstream endpoint (<c>Gatehouse:Providers:&lt;name&gt;</c>).</summary>
public sealed class ProviderOptions
{
    public ProviderType Type { get; set; } = ProviderType.OpenAI;

    /// <summary>Base URL including the version segment, e.g. <c>https://api.openai.com/v1</c>; for Azure the resource URL.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>A secret reference: <c>env:VARIABLE_NAME</c>. Literal keys are accepted but discouraged (they end up in files).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Azure OpenAI only: the <c>api-version</c> query value.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Anthropic only: the <c>anthropic-version</c> header.</summary>
    public string AnthropicVersion { get; set; } = "2023-06-01";

    /// <summary>Anthropic only: <c>max_tokens</c> sent when the client gives none (Anthropic requires one).</summary>
    public int DefaultMaxTokens { get; set; } = 4096;

    /// <summary>Extra headers sent on every upstream call (values may be <c>env:</c> references too).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Upper bound on pooled connections to this upstream.</summary>
    public int MaxConnections { get; set; } = 1024;
}
