namespace Gatehouse.Prompts;

/// <summary>A rendered chat message, serialized as OpenAI's <c>{"role","content"}</c>.</summary>
internal sealed record RenderedMessage(string Role, string Content);
