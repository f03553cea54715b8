using System.Text;
using System.Text.Json;

namespace Gatehouse.OpenAI.Responses;

/// <summary>
/// A response's output as it is being built, from a chat completion or its stream: its items in
/// order (the assistant's message, function calls), its status and its usage. Written as a whole
/// response object by <see cref="WriteResponse"/>, for an answer and for the stream's
/// <c>response.created</c>/<c>response.completed</c> events alike.
/// </summary>
internal sealed class ResponseOutput(string id, long createdAt, ResponseEcho echo)
{
    public string Id { get; } = id;

    public long CreatedAt { get; } = createdAt;

    public ResponseEcho Echo { get; } = echo;

    public List<OutputItem> Items { get; } = [];

    /// <summary><c>in_progress</c>, <c>completed</c>, <c>incomplete</c> or <c>failed</c>.</summary>
    public string Status { get; set; } = "in_progress";

    /// <summary>Why an incomplete response stopped: <c>max_output_tokens</c> or <c>content_filter</c>.</summary>
    public string? IncompleteReason { get; set; }

    /// <summary>The chat usage object, as the upstream reported it; null until it did.</summary>
    public ChatUsage? Usage { get; set; }

    public OpenAIError? Error { get; set; }

    /// <summary>Sets the status from a chat finish reason.</summary>
    public void Finish(string? finishReason)
    {
        (Status, IncompleteReason) = finishReason switch
        {
            "length" => ("incomplete", "max_output_tokens"),
            "content_filter" => ("incomplete", "content_filter"),
            _ => ("completed", null),
        };
        foreach (var item in Items)
        {
            item.Status = Status == "completed" ? "completed" : "incomplete";
        }
    }

    public void WriteResponse(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, Id);
        json.WriteString("object"u8, "response"u8);
        json.WriteNumber("created_at"u8, CreatedAt);
        json.WriteString("status"u8, Status);
        json.WriteBoolean("background"u8, false);
        if (Error is { } error)
        {
            json.WriteStartObject("error"u8);
            json.WriteString("code"u8, error.Code ?? "server_error");
            json.WriteString("message"u8, error.Message);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("error"u8);
        }

        if (IncompleteReason is { } reason)
        {
            json.WriteStartObject("incomplete_details"u8);
            json.WriteString("reason"u8, reason);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("incomplete_details"u8);
        }

        Echo.WriteTo(json);
        json.WriteStartArray("output"u8);
        foreach (var item in Items)
        {
            item.Write(json);
        }

        json.WriteEndArray();
        if (Usage is { } usage)
        {
            usage.Write(json);
        }
        else
        {
            json.WriteNull("usage"u8);
        }

        json.WriteEndObject();
    }

    /// <summary>The assistant's message or one function call.</summary>
    internal abstract class OutputItem(string id)
    {
        public string Id { get; } = id;

        public string Status { get; set; } = "in_progress";

        public abstract void Write(Utf8JsonWriter json);
    }

    internal sealed class MessageItem(string id) : OutputItem(id)
    {
        public StringBuilder Text { get; } = new();

        /// <summary>Set when the model refused: the message's one part is then a <c>refusal</c>.</summary>
        public StringBuilder? Refusal { get; set; }

        public override void Write(Utf8JsonWriter json)
        {
            json.WriteStartObject();
            json.WriteString("id"u8, Id);
            json.WriteString("type"u8, "message"u8);
            json.WriteString("status"u8, Status);
            json.WriteString("role"u8, "assistant"u8);
            json.WriteStartArray("content"u8);
            WritePart(json);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        public void WritePart(Utf8JsonWriter json)
        {
            json.WriteStartObject();
            if (Refusal is { } refusal)
            {
                json.WriteString("type"u8, "refusal"u8);
                json.WriteString("refusal"u8, refusal.ToString());
            }
            else
            {
                json.WriteString("type"u8, "output_text"u8);
                json.WriteStartArray("annotations"u8);
                json.WriteEndArray();
                json.WriteStartArray("logprobs"u8);
                json.WriteEndArray();
                json.WriteString("text"u8, Text.ToString());
            }

            json.WriteEndObject();
        }
    }

    internal sealed class FunctionCallItem(string id, string callId, string name) : OutputItem(id)
    {
        public string CallId { get; } = callId;

        public string Name { get; } = name;

        public StringBuilder Arguments { get; } = new();

        public override void Write(Utf8JsonWriter json)
        {
            json.WriteStartObject();
            json.WriteString("id"u8, Id);
            json.WriteString("type"u8, "function_call"u8);
            json.WriteString("status"u8, Status);
            json.WriteString("arguments"u8, Arguments.ToString());
            json.WriteString("call_id"u8, CallId);
            json.WriteString("name"u8, Name);
            json.WriteEndObject();
        }
    }
}

/// <summary>A chat completion's usage, written as a response's (<c>input_tokens</c>, <c>output_tokens</c> and their details).</summary>
internal readonly record struct ChatUsage(int PromptTokens, int CompletionTokens, int TotalTokens, int CachedTokens, int ReasoningTokens)
{
    public static ChatUsage? Read(JsonElement completion)
    {
        if (!completion.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var prompt = Int(usage, "prompt_tokens");
        var completionTokens = Int(usage, "completion_tokens");
        var total = usage.TryGetProperty("total_tokens", out _) ? Int(usage, "total_tokens") : prompt + completionTokens;
        return new ChatUsage(prompt, completionTokens, total, Nested(usage, "prompt_tokens_details", "cached_tokens"), Nested(usage, "completion_tokens_details", "reasoning_tokens"));
    }

    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject("usage"u8);
        json.WriteNumber("input_tokens"u8, PromptTokens);
        json.WriteStartObject("input_tokens_details"u8);
        json.WriteNumber("cached_tokens"u8, CachedTokens);
        json.WriteEndObject();
        json.WriteNumber("output_tokens"u8, CompletionTokens);
        json.WriteStartObject("output_tokens_details"u8);
        json.WriteNumber("reasoning_tokens"u8, ReasoningTokens);
        json.WriteEndObject();
        json.WriteNumber("total_tokens"u8, TotalTokens);
        json.WriteEndObject();
    }

    private static int Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? Math.Max(0, number) : 0;

    private static int Nested(JsonElement element, string outer, string inner) =>
        element.TryGetProperty(outer, out var details) && details.ValueKind == JsonValueKind.Object ? Int(details, inner) : 0;
}
