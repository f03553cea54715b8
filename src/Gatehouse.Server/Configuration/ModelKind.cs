namespace Gatehouse.Configuration;

/// <summary>What a model alias serves: chat (<c>/v1/chat/completions</c>, <c>/v1/messages</c>) or embeddings (<c>/v1/embeddings</c>).</summary>
public enum ModelKind
{
    Chat,

    Embedding,
}
