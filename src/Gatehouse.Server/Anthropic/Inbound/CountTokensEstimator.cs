using System.Buffers;
using System.Text.Json;
using Gatehouse.Usage;

namespace Gatehouse.Anthropic.Inbound;

/// <summary>
/// Answers <c>POST /v1/messages/count_tokens</c> (<c>{"input_tokens": N}</c>) by translating the
/// Anthropic request with <see cref="MessagesRequestTranslator"/> (no <c>max_tokens</c> needed) and
/// counting the OpenAI body with <see cref="ChatTokenEstimator.EstimatePrompt"/>. This is an
/// estimate with the given tokenizer (o200k_base by default), not Claude's tokenizer: Claude counts
/// differently, and images and documents are not counted. A deployment that is Anthropic itself
/// should pass the call through to the native endpoint instead (wired with the gateway).
/// </summary>
internal static class CountTokensEstimator
{
    public static int? Estimate(ReadOnlyMemory<byte> body, ITokenCounter? counter, out AnthropicError? error, CancellationToken cancellationToken = default)
    {
        var translated = MessagesRequestTranslator.Translate(body, requireMaxTokens: false, out error);
        if (translated is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(translated.OpenAIBody, Hosting.RequestJson.DerivedDocumentOptions);
        return ChatTokenEstimator.EstimatePrompt(document.RootElement, counter, cancellationToken);
    }

    /// <summary>The response body, or null with <paramref name="error"/> set.</summary>
    /// <param name="cancellationToken">The request's: counting stops when the client leaves.</param>
    public static byte[]? Count(ReadOnlyMemory<byte> body, ITokenCounter? counter, out AnthropicError? error, CancellationToken cancellationToken = default) =>
        Estimate(body, counter, out error, cancellationToken) is { } tokens ? ToJson(tokens) : null;

    public static byte[] ToJson(int inputTokens)
    {
        var output = new ArrayBufferWriter<byte>(32);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("input_tokens"u8, inputTokens);
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }
}
