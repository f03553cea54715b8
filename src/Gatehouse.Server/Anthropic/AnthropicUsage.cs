using System.Text.Json;
using Gatehouse.Usage;

namespace Gatehouse.Anthropic;

/// <summary>
/// Anthropic's token counts, wherever Gatehouse meets them: read from and written in Anthropic's
/// <c>usage</c> object, read from and written in OpenAI's, and turned into Gatehouse's own
/// <see cref="TokenUsage"/>. Anthropic reports uncached input, cache writes and cache reads
/// separately; OpenAI's <c>prompt_tokens</c> is their sum, with the cached part as a detail
/// (<c>prompt_tokens_details.cached_tokens</c>, and <c>cache_creation_tokens</c> when an upstream reports it).
/// </summary>
internal readonly record struct AnthropicUsage(int InputTokens, int OutputTokens, int CacheCreationInputTokens, int CacheReadInputTokens)
{
    public int PromptTokens => InputTokens + CacheCreationInputTokens + CacheReadInputTokens;

    /// <summary>Reads Anthropic's <c>usage</c>: the fields it has; the others keep the values of <paramref name="previous"/>.</summary>
    public static AnthropicUsage FromAnthropic(JsonElement usage, AnthropicUsage previous = default)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return previous;
        }

        return new AnthropicUsage(
            SaturatedInt(usage, "input_tokens"u8, previous.InputTokens),
            SaturatedInt(usage, "output_tokens"u8, previous.OutputTokens),
            SaturatedInt(usage, "cache_creation_input_tokens"u8, previous.CacheCreationInputTokens),
            SaturatedInt(usage, "cache_read_input_tokens"u8, previous.CacheReadInputTokens));
    }

    /// <summary>Reads OpenAI's <c>usage</c>; Anthropic's <c>input_tokens</c> is what is left of <c>prompt_tokens</c> without the cached parts.</summary>
    public static AnthropicUsage FromOpenAI(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        var prompt = Int32OrZero(usage, "prompt_tokens");
        var completion = Int32OrZero(usage, "completion_tokens");
        int cached = 0, creation = 0;
        if (usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object)
        {
            cached = Int32OrZero(details, "cached_tokens");
            creation = Int32OrZero(details, "cache_creation_tokens");
        }

        return new AnthropicUsage(Math.Max(0, prompt - cached - creation), completion, creation, cached);
    }

    /// <summary>
    /// The usage of a message in Anthropic's own format (a whole answer, or a <c>message_start</c> /
    /// <c>message_delta</c> event) as Gatehouse counts it; <paramref name="previous"/> when the JSON has none.
    /// </summary>
    public static TokenUsage ReadTokenUsage(ReadOnlySpan<byte> json, TokenUsage previous = default)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var usage = root.TryGetProperty("usage"u8, out var direct) ? direct
                : root.TryGetProperty("message"u8, out var message) && message.TryGetProperty("usage"u8, out var nested) ? nested
                : default;
            if (usage.ValueKind != JsonValueKind.Object)
            {
                return previous;
            }

            return FromAnthropic(usage, FromTokenUsage(previous)).ToTokenUsage();
        }
        catch (JsonException)
        {
            return previous;
        }
    }

    public static AnthropicUsage FromTokenUsage(TokenUsage usage) => new(
        usage.InputTokens - usage.CachedInputTokens - usage.CacheWriteInputTokens,
        usage.OutputTokens,
        usage.CacheWriteInputTokens,
        usage.CachedInputTokens);

    public TokenUsage ToTokenUsage() =>
        new(PromptTokens, OutputTokens, CachedInputTokens: CacheReadInputTokens, CacheWriteInputTokens: CacheCreationInputTokens);

    /// <summary>Writes Anthropic's <c>usage</c> object.</summary>
    public void WriteAnthropic(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, InputTokens);
        writer.WriteNumber("cache_creation_input_tokens"u8, CacheCreationInputTokens);
        writer.WriteNumber("cache_read_input_tokens"u8, CacheReadInputTokens);
        writer.WriteNumber("output_tokens"u8, OutputTokens);
        writer.WriteEndObject();
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

    // Anthropic's own counts saturate (an upstream may report anything); OpenAI's, read only for
    // translation into Anthropic's shape, are taken when they fit an int and read as 0 otherwise.
    private static int SaturatedInt(JsonElement usage, ReadOnlySpan<byte> name, int fallback) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.TryGetInt64(out var number) ? TokenMath.Saturate(number) : value.TryGetDouble(out var large) && large > int.MaxValue ? int.MaxValue : fallback
            : fallback;

    private static int Int32OrZero(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : 0;
}
