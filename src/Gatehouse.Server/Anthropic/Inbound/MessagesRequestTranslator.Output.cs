using System.Text.Json;

namespace Gatehouse.Anthropic.Inbound;

/// <remarks>
/// Output controls. Structured output — <c>output_config.format</c> (GA) or the beta's top-level
/// <c>output_format</c>, both <c>{"type":"json_schema","schema":{…}}</c> — becomes OpenAI's
/// <c>response_format: {"type":"json_schema","json_schema":{"name":"output","schema":…,"strict":true}}</c>;
/// the answer's JSON text comes back as the message's text block, where Anthropic puts it.
/// <c>output_config.effort</c> low / medium / high / xhigh → <c>reasoning_effort</c> by name; <c>max</c>
/// has no OpenAI equivalent and is refused on a translated deployment. <c>service_tier</c> auto →
/// <c>auto</c>, standard_only → <c>default</c>.
/// </remarks>
internal static partial class MessagesRequestTranslator
{
    /// <summary>The <c>json_schema.name</c> OpenAI requires; Anthropic's schema has none.</summary>
    internal const string StructuredOutputName = "output";

    private static AnthropicError? WriteOutput(Utf8JsonWriter writer, JsonElement root, ref AnthropicError? untranslatable)
    {
        JsonElement format = default;
        var formatPath = "";
        if (Present(root, "output_config", out var config))
        {
            if (config.ValueKind != JsonValueKind.Object)
            {
                return AnthropicError.InvalidType("output_config", "a valid dictionary");
            }

            foreach (var property in config.EnumerateObject())
            {
                var error = property.Name switch
                {
                    "format" => null,
                    "effort" => WriteEffort(writer, property.Value, ref untranslatable),
                    _ => Untranslatable(ref untranslatable, $"output_config.{property.Name}", property.Value),
                };
                if (error is not null)
                {
                    return error;
                }
            }

            if (Present(config, "format", out format))
            {
                formatPath = "output_config.format";
            }
        }

        if (Present(root, "output_format", out var betaFormat))
        {
            if (formatPath.Length > 0)
            {
                return AnthropicError.InvalidRequest("output_format: Cannot be used together with output_config.format; use output_config.format only.");
            }

            (format, formatPath) = (betaFormat, "output_format");
        }

        return formatPath.Length == 0 ? null : WriteResponseFormat(writer, format, formatPath);
    }

    private static AnthropicError? WriteResponseFormat(Utf8JsonWriter writer, JsonElement format, string path)
    {
        if (format.ValueKind != JsonValueKind.Object)
        {
            return AnthropicError.InvalidType(path, "a valid dictionary");
        }

        if (BlockType(format) != "json_schema")
        {
            return AnthropicError.InvalidRequest($"{path}.type: Input should be 'json_schema'");
        }

        if (!Present(format, "schema", out var schema))
        {
            return AnthropicError.Missing($"{path}.schema");
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return AnthropicError.InvalidType($"{path}.schema", "a valid dictionary");
        }

        foreach (var property in format.EnumerateObject())
        {
            if (property.Name is not ("type" or "schema"))
            {
                return AnthropicError.InvalidRequest($"{path}.{property.Name}: Extra inputs are not permitted");
            }
        }

        writer.WriteStartObject("response_format"u8);
        writer.WriteString("type"u8, "json_schema"u8);
        writer.WriteStartObject("json_schema"u8);
        writer.WriteString("name"u8, StructuredOutputName);
        writer.WritePropertyName("schema"u8);
        schema.WriteTo(writer);
        writer.WriteBoolean("strict"u8, true);
        writer.WriteEndObject();
        writer.WriteEndObject();
        return null;
    }

    private static AnthropicError? WriteEffort(Utf8JsonWriter writer, JsonElement effort, ref AnthropicError? untranslatable)
    {
        if (effort.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var value = effort.ValueKind == JsonValueKind.String ? effort.GetString() : null;
        switch (value)
        {
            case "low" or "medium" or "high" or "xhigh":
                writer.WriteString("reasoning_effort"u8, value);
                return null;
            case "max":
                untranslatable ??= AnthropicError.InvalidRequest(
                    "output_config.effort: 'max' is not supported by this model's deployment (OpenAI chat completions); use 'low', 'medium', 'high' or 'xhigh'.");
                return null;
            default:
                return AnthropicError.InvalidRequest("output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'");
        }
    }

    private static AnthropicError? WriteServiceTier(Utf8JsonWriter writer, JsonElement root)
    {
        if (!Present(root, "service_tier", out var tier))
        {
            return null;
        }

        var value = tier.ValueKind == JsonValueKind.String ? tier.GetString() : null;
        switch (value)
        {
            case "auto":
                writer.WriteString("service_tier"u8, "auto"u8);
                return null;
            case "standard_only":
                writer.WriteString("service_tier"u8, "default"u8);
                return null;
            default:
                return AnthropicError.InvalidRequest("service_tier: Input should be 'auto' or 'standard_only'");
        }
    }

    /// <summary>True when <paramref name="element"/> has <paramref name="name"/> with a value other than null.</summary>
    private static bool Present(JsonElement element, string name, out JsonElement value) =>
        element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
}
