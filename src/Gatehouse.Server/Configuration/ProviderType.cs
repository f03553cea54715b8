namespace Gatehouse.Configuration;

/// <summary>The wire protocols Gatehouse can speak to an upstream.</summary>
public enum ProviderType
{
    /// <summary>Any OpenAI-compatible HTTP API: OpenAI, vLLM, Ollama, llama.cpp, Groq, Together, OpenRouter, Mistral, DeepSeek…</summary>
    OpenAI,

    /// <summary>Azure OpenAI: deployment in the URL, <c>api-version</c> query, <c>api-key</c> header.</summary>
    AzureOpenAI,

    /// <summary>Anthropic's Messages API: requests and answers are translated to and from OpenAI's format.</summary>
    Anthropic,

    /// <summary>The built-in simulator: no network, no key, always labelled as a simulator.</summary>
    Simulator,

    /// <summary>
    /// Models that run inside the Gatehouse process (no network, no key, no cost): today the
    /// sentence-embedding model <c>all-MiniLM-L6-v2</c> for <c>/v1/embeddings</c>, e.g. for tool prefiltering.
    /// </summary>
    Local,
}
