using System.Text.Json;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>
/// Anthropic's token counts. Anthropic reports uncached input, cache writes and cache reads
/// separately; OpenAI's <c>prompt_tokens</c> is their sum, with the cached part as a detail.
/// </summary>
internal readonly record struct AnthropicUsage(int InputTokens, int OutputTokens, int CacheCreationInputTokens, int CacheReadInputTokens)
{
    public int PromptTokens => InputTokens + CacheCreationInputTokens + CacheReadInputTokens;

    /// <summary>Reads the fields <paramref name="usage"/> has; the others keep the values of <paramref name="previous"/>.</summary>
    public static AnthropicUsage Read(JsonElement usage, AnthropicUsage previous = default)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return previous;
        }

        return new AnthropicUsage(
            ReadInt(usage, "input_tokens"u8, previous.InputTokens),
            ReadInt(usage, "output_tokens"u8, previous.OutputTokens),
            ReadInt(usage, "cache_creation_input_tokens"u8, previous.CacheCreationInputTokens),
            ReadInt(usage, "cache_read_input_tokens"u8, previous.CacheReadInputTokens));
    }

    /// <summary>Writes OpenAI's <c>usage</c> object, with the cache writes as <c>prompt_tokens_details.cache_creation_tokens</c>.</summary>
    public void WriteOpenAI(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, PromptTokens);
        writer.WriteNumber("completion_tokens"u8, OutputTokens);
        writer.WriteNumber("total_tokens"u8, PromptTokens + OutputTokens);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, CacheReadInputTokens);
        writer.WriteNumber("cache_creation_tokens"u8, CacheCreationInputTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static int ReadInt(JsonElement usage, ReadOnlySpan<byte> name, int fallback) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.TryGetInt64(out var number) ? Usage.TokenMath.Saturate(number) : value.TryGetDouble(out var large) && large > int.MaxValue ? int.MaxValue : fallback
            : fallback;
}
