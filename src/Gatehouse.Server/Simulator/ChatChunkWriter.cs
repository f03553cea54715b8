using System.Text.Json;

namespace Gatehouse.Simulator;

/// <summary>Writes the <c>chat.completion.chunk</c> objects of a streamed answer.</summary>
internal sealed class ChatChunkWriter(string id, long created, string model, bool includeUsage)
{
    /// <summary>The first chunk of a choice: the role, and for a tool call its id, type and name.</summary>
    public void WriteStart(Utf8JsonWriter w, int index, SimulatedToolCall? call)
    {
        WriteHeader(w, index);
        w.WriteString("role"u8, "assistant"u8);
        if (call is null)
        {
            w.WriteString("content"u8, ""u8);
        }
        else
        {
            w.WriteNull("content"u8);
            WriteToolCallStart(w);
            w.WriteString("id"u8, call.Id);
            w.WriteString("type"u8, "function"u8);
            w.WriteStartObject("function"u8);
            w.WriteString("name"u8, call.Name);
            w.WriteString("arguments"u8, ""u8);
            WriteToolCallEnd(w);
        }

        w.WriteNull("refusal"u8);
        WriteFooter(w, finishReason: null);
    }

    public void WriteContent(Utf8JsonWriter w, int index, ReadOnlySpan<char> text)
    {
        WriteHeader(w, index);
        w.WriteString("content"u8, text);
        WriteFooter(w, finishReason: null);
    }

    public void WriteArguments(Utf8JsonWriter w, int index, ReadOnlySpan<char> fragment)
    {
        WriteHeader(w, index);
        WriteToolCallStart(w);
        w.WriteStartObject("function"u8);
        w.WriteString("arguments"u8, fragment);
        WriteToolCallEnd(w);
        WriteFooter(w, finishReason: null);
    }

    public void WriteFinish(Utf8JsonWriter w, int index, string finishReason)
    {
        WriteHeader(w, index);
        WriteFooter(w, finishReason);
    }

    /// <summary>The extra chunk of <c>stream_options.include_usage</c>: no choices, only usage.</summary>
    public void WriteUsage(Utf8JsonWriter w, SimulatedCompletion completion)
    {
        WriteEnvelope(w);
        w.WriteStartArray("choices"u8);
        w.WriteEndArray();
        ChatCompletionWriter.WriteUsage(w, completion);
        w.WriteEndObject();
    }

    private void WriteEnvelope(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("object"u8, "chat.completion.chunk"u8);
        w.WriteNumber("created"u8, created);
        w.WriteString("model"u8, model);
        w.WriteString("service_tier"u8, "default"u8);
        w.WriteString("system_fingerprint"u8, SimulatorJson.SystemFingerprint);
    }

    private void WriteHeader(Utf8JsonWriter w, int index)
    {
        WriteEnvelope(w);
        w.WriteStartArray("choices"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, index);
        w.WriteStartObject("delta"u8);
    }

    private void WriteFooter(Utf8JsonWriter w, string? finishReason)
    {
        w.WriteEndObject(); // delta
        w.WriteNull("logprobs"u8);
        if (finishReason is null) w.WriteNull("finish_reason"u8);
        else w.WriteString("finish_reason"u8, finishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        if (includeUsage) w.WriteNull("usage"u8);
        w.WriteEndObject();
    }

    private static void WriteToolCallStart(Utf8JsonWriter w)
    {
        w.WriteStartArray("tool_calls"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
    }

    private static void WriteToolCallEnd(Utf8JsonWriter w)
    {
        w.WriteEndObject(); // function
        w.WriteEndObject();
        w.WriteEndArray();
    }
}
