using System.Text.Json;

namespace Gatehouse.Anthropic.Inbound;

/// <summary>
/// Token usage in Anthropic's terms, from an OpenAI <c>usage</c> object. Anthropic's
/// <c>input_tokens</c> excludes cached tokens, so it is <c>prompt_tokens</c> minus
/// <c>prompt_tokens_details.cached_tokens</c> (→ <c>cache_read_input_tokens</c>) minus
/// <c>prompt_tokens_details.cache_creation_tokens</c> when an upstream reports it
/// (→ <c>cache_creation_input_tokens</c>, else 0).
/// </summary>
internal readonly record struct AnthropicUsage(int InputTokens, int OutputTokens, int CacheCreationInputTokens, int CacheReadInputTokens)
{
    public static AnthropicUsage FromOpenAI(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        var prompt = Int(usage, "prompt_tokens");
        var completion = Int(usage, "completion_tokens");
        int cached = 0, creation = 0;
        if (usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object)
        {
            cached = Int(details, "cached_tokens");
            creation = Int(details, "cache_creation_tokens");
        }

        return new AnthropicUsage(Math.Max(0, prompt - cached - creation), completion, creation, cached);
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, InputTokens);
        writer.WriteNumber("cache_creation_input_tokens"u8, CacheCreationInputTokens);
        writer.WriteNumber("cache_read_input_tokens"u8, CacheReadInputTokens);
        writer.WriteNumber("output_tokens"u8, OutputTokens);
        writer.WriteEndObject();
    }

    private static int Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : 0;
}
