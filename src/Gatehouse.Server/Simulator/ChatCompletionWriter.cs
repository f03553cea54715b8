using System.Text.Json;

namespace Gatehouse.Simulator;

/// <summary>Writes a <c>chat.completion</c> object and the usage object, in OpenAI's exact shape.</summary>
internal static class ChatCompletionWriter
{
    public static void WriteCompletion(Utf8JsonWriter w, string id, long created, string model, SimulatedCompletion completion)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("object"u8, "chat.completion"u8);
        w.WriteNumber("created"u8, created);
        w.WriteString("model"u8, model);
        w.WriteStartArray("choices"u8);
        for (var i = 0; i < completion.Choices.Count; i++)
        {
            var choice = completion.Choices[i];
            w.WriteStartObject();
            w.WriteNumber("index"u8, i);
            w.WriteStartObject("message"u8);
            w.WriteString("role"u8, "assistant"u8);
            WriteContent(w, choice.Content);
            w.WriteNull("refusal"u8);
            if (choice.ToolCall is { } call)
            {
                w.WriteStartArray("tool_calls"u8);
                w.WriteStartObject();
                w.WriteString("id"u8, call.Id);
                w.WriteString("type"u8, "function"u8);
                w.WriteStartObject("function"u8);
                w.WriteString("name"u8, call.Name);
                w.WriteString("arguments"u8, call.Arguments);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteStartArray("annotations"u8);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNull("logprobs"u8);
            w.WriteString("finish_reason"u8, choice.FinishReason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteUsage(w, completion);
        w.WriteString("service_tier"u8, "default"u8);
        w.WriteString("system_fingerprint"u8, SimulatorJson.SystemFingerprint);
        w.WriteEndObject();
    }

    public static void WriteUsage(Utf8JsonWriter w, SimulatedCompletion completion)
    {
        var completionTokens = completion.CompletionTokens;
        w.WriteStartObject("usage"u8);
        w.WriteNumber("prompt_tokens"u8, completion.PromptTokens);
        w.WriteNumber("completion_tokens"u8, completionTokens);
        w.WriteNumber("total_tokens"u8, completion.PromptTokens + completionTokens);
        w.WriteStartObject("prompt_tokens_details"u8);
        w.WriteNumber("cached_tokens"u8, completion.CachedTokens);
        w.WriteNumber("audio_tokens"u8, 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details"u8);
        w.WriteNumber("reasoning_tokens"u8, completion.ReasoningTokens);
        w.WriteNumber("audio_tokens"u8, 0);
        w.WriteNumber("accepted_prediction_tokens"u8, 0);
        w.WriteNumber("rejected_prediction_tokens"u8, 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter w, string? content)
    {
        if (content is null) w.WriteNull("content"u8);
        else w.WriteString("content"u8, content);
    }
}
