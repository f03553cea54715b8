namespace Gatehouse.Gateway;

/// <summary>
/// The API shape a client called. The pipeline works in OpenAI's format inside; a dialect decides
/// how requests are translated on the way in and how answers and errors look on the way out.
/// </summary>
internal enum ApiDialect
{
    /// <summary><c>/v1/chat/completions</c>, <c>/v1/embeddings</c>: passed through as is.</summary>
    OpenAI,

    /// <summary><c>/v1/messages</c>: Anthropic's Messages API, translated both ways.</summary>
    Anthropic,
}
