using System.Text.Json;

namespace Gatehouse.Anthropic.Upstream;

/// <remarks>
/// Every top-level field of the OpenAI request is accounted for: translated (the other parts, and
/// <c>reasoning_effort</c> → <c>output_config.effort</c>, <c>service_tier</c> auto → <c>auto</c>,
/// default → <c>standard_only</c>, <c>safety_identifier</c> → <c>metadata.user_id</c> here), honoured
/// by the gateway (<c>stream_options</c>: Anthropic always reports usage), accepted as a hint with
/// nothing to carry (<c>prompt_cache_key</c>), harmless at its default (<c>store: false</c>,
/// <c>logprobs: false</c>, penalties of 0, an empty <c>logit_bias</c> or <c>metadata</c>,
/// <c>modalities: ["text"]</c>), or refused by name with a 400: Anthropic cannot honour it, and an
/// answer that silently ignored it would not be the one asked for.
/// </remarks>
internal static partial class AnthropicRequestTranslator
{
    private static void CheckFields(JsonElement root)
    {
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            var honoured = value.ValueKind == JsonValueKind.Null || property.Name switch
            {
                "model" or "messages" or "max_tokens" or "max_completion_tokens" or "temperature" or "top_p" or "stop" or "stream"
                    or "stream_options" or "user" or "safety_identifier" or "tools" or "tool_choice" or "parallel_tool_calls"
                    or "response_format" or "n" or "reasoning_effort" or "service_tier" or "prompt_cache_key" => true,
                "store" or "logprobs" => value.ValueKind == JsonValueKind.False,
                "frequency_penalty" or "presence_penalty" => value.ValueKind == JsonValueKind.Number && value.GetDouble() == 0,
                "logit_bias" or "metadata" => value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any(),
                "modalities" => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(static m => m.ValueKind == JsonValueKind.String && m.ValueEquals("text")),
                _ => false,
            };
            if (!honoured)
            {
                throw new TranslationException(
                    $"'{property.Name}' is not supported by this model (Anthropic): remove it, or use a model served by an OpenAI-compatible provider.", property.Name, "unsupported_parameter");
            }
        }
    }

    /// <summary><c>reasoning_effort</c> → <c>output_config.effort</c>, for the levels both APIs have.</summary>
    private static void WriteEffort(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("reasoning_effort"u8, out var effort) || effort.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var value = effort.ValueKind == JsonValueKind.String ? effort.GetString() : null;
        if (value is not ("low" or "medium" or "high" or "xhigh"))
        {
            throw new TranslationException(
                $"Invalid 'reasoning_effort': this model (Anthropic) takes 'low', 'medium', 'high' or 'xhigh'.", "reasoning_effort", value is null ? "invalid_type" : "unsupported_value");
        }

        writer.WriteStartObject("output_config"u8);
        writer.WriteString("effort"u8, value);
        writer.WriteEndObject();
    }

    private static void WriteServiceTier(Utf8JsonWriter writer, JsonElement root)
    {
        if (!root.TryGetProperty("service_tier"u8, out var tier) || tier.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var anthropic = (tier.ValueKind == JsonValueKind.String ? tier.GetString() : null) switch
        {
            "auto" => "auto",
            "default" => "standard_only",
            _ => throw new TranslationException("Invalid 'service_tier': this model (Anthropic) takes 'auto' or 'default'.", "service_tier", "unsupported_value"),
        };
        writer.WriteString("service_tier"u8, anthropic);
    }

    /// <summary><c>safety_identifier</c> (OpenAI's successor of <c>user</c>, preferred when both are set) or <c>user</c> → <c>metadata.user_id</c>.</summary>
    private static void WriteUser(Utf8JsonWriter writer, JsonElement root)
    {
        foreach (var name in (ReadOnlySpan<string>)["safety_identifier", "user"])
        {
            if (!root.TryGetProperty(name, out var user) || user.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (user.ValueKind != JsonValueKind.String)
            {
                throw new TranslationException($"Invalid '{name}': expected a string.", name, "invalid_type");
            }

            writer.WriteStartObject("metadata"u8);
            writer.WritePropertyName("user_id"u8);
            user.WriteTo(writer);
            writer.WriteEndObject();
            return;
        }
    }
}
