using System.Text.Json;

namespace Gatehouse.Anthropic.Inbound;

/// <remarks>
/// Every top-level field is accounted for: translated (see the other parts), accepted as a hint with
/// nothing to carry (<c>cache_control</c>: OpenAI-compatible upstreams cache prompts on their own;
/// <c>thinking</c> of type <c>disabled</c>), or untranslatable. An untranslatable field — <c>top_k</c>,
/// <c>thinking</c> enabled, <c>container</c>, <c>mcp_servers</c>, <c>context_management</c>, server
/// tools, any field this translator does not know — is not an error of the request: an Anthropic
/// deployment takes the client's own body and honours it. It is held on the translation
/// (<see cref="TranslatedMessagesRequest.Untranslatable"/>) and refuses the call, naming the field,
/// when the attempt goes to a deployment that gets the translation instead.
/// </remarks>
internal static partial class MessagesRequestTranslator
{
    private static void CheckTopLevelFields(JsonElement root, ref AnthropicError? untranslatable)
    {
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "model" or "messages" or "system" or "max_tokens" or "metadata" or "stop_sequences" or "stream"
                    or "temperature" or "top_p" or "tools" or "tool_choice" or "output_config" or "output_format"
                    or "service_tier" or "cache_control":
                    break;
                case "thinking" when property.Value.ValueKind == JsonValueKind.Object && BlockType(property.Value) == "disabled":
                    break;
                default:
                    Untranslatable(ref untranslatable, property.Name, property.Value);
                    break;
            }
        }
    }

    /// <summary>Notes the first field the translation cannot carry (a null value asks for nothing); always null, for use in error chains.</summary>
    private static AnthropicError? Untranslatable(ref AnthropicError? untranslatable, string path, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Null)
        {
            untranslatable ??= AnthropicError.InvalidRequest(
                $"{path}: not supported by this model's deployment, which is not Anthropic (the request is translated to OpenAI chat completions); remove it, or use a model served by Anthropic.");
        }

        return null;
    }
}
