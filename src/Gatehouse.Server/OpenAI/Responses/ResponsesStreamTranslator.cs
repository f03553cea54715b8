using System.Buffers;
using System.Text.Json;
using Gatehouse.Gateway.Sse;

namespace Gatehouse.OpenAI.Responses;

/// <summary>
/// An OpenAI chat completions stream as a Responses API stream (<c>event: &lt;type&gt;\ndata: &lt;json&gt;</c>,
/// each event with its <c>sequence_number</c>, from 0).
/// </summary>
/// <remarks>
/// The first chunk → <c>response.created</c> and <c>response.in_progress</c> (the response, in
/// progress, no output). Text → a <c>message</c> item: <c>response.output_item.added</c>,
/// <c>response.content_part.added</c> (an empty <c>output_text</c>), <c>response.output_text.delta</c>s;
/// a refusal the same with a <c>refusal</c> part and <c>response.refusal.delta</c>s. Each tool call →
/// a <c>function_call</c> item: <c>response.output_item.added</c>, then
/// <c>response.function_call_arguments.delta</c>s. An item is closed when the next starts or at the
/// finish reason (<c>response.output_text.done</c>/<c>refusal.done</c>, <c>content_part.done</c> or
/// <c>function_call_arguments.done</c>, then <c>output_item.done</c>). At <c>[DONE]</c>:
/// <c>response.completed</c>, or <c>response.incomplete</c> when the output was cut (length, content
/// filter), with the whole response and its usage. An upstream error, or a stream that breaks or
/// ends early: an <c>error</c> event and <c>response.failed</c>, never <c>response.completed</c>, so
/// no SDK takes a cut answer for a whole one. Only the first choice is translated.
/// </remarks>
internal sealed class ResponsesStreamTranslator : TranslatedEventStream
{
    private readonly ResponseOutput _response;
    private readonly Utf8JsonWriter _json;
    private int _sequence;
    private bool _started;
    private string? _finishReason;

    // The open item: the message (text or refusal), or a function call with its chat tool-call index.
    private ResponseOutput.MessageItem? _message;
    private ResponseOutput.FunctionCallItem? _call;
    private int _callIndex = -1;

    public ResponsesStreamTranslator(Stream chatStream, ResponseOutput response)
        : base(chatStream)
    {
        _response = response;
        _json = new Utf8JsonWriter(Output);
    }

    protected override void OnEvent(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            Complete();
            return;
        }

        JsonDocument chunk;
        try
        {
            var reader = new Utf8JsonReader(data);
            chunk = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return;
        }

        using (chunk)
        {
            var root = chunk.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                Fail(error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "The upstream failed.",
                    error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : "server_error");
                return;
            }

            EnsureStarted();
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.ValueKind == JsonValueKind.Object && (!choice.TryGetProperty("index", out var index) || index.ValueKind != JsonValueKind.Number || index.GetInt32() == 0))
                    {
                        OnChoice(choice);
                    }
                }
            }

            if (ChatUsage.Read(root) is { } usage)
            {
                _response.Usage = usage;
            }
        }
    }

    protected override void OnInterrupted(string message) => Fail(message, "stream_interrupted");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _json.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync();
        await base.DisposeAsync();
    }

    private void OnChoice(JsonElement choice)
    {
        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            OnText(delta, "content", refusal: false);
            OnText(delta, "refusal", refusal: true);
            if (delta.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
            {
                var position = 0;
                foreach (var call in toolCalls.EnumerateArray())
                {
                    OnToolCall(call, position++);
                }
            }
        }

        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            CloseItem();
            _finishReason = finish.GetString();
        }
    }

    private void OnText(JsonElement delta, string name, bool refusal)
    {
        if (!delta.TryGetProperty(name, out var content) || content.ValueKind != JsonValueKind.String || content.ValueEquals(""u8))
        {
            return;
        }

        var text = content.GetString()!;
        if (_message is null || (_message.Refusal is not null) != refusal)
        {
            CloseItem();
            _message = new ResponseOutput.MessageItem(ResponseIds.Message(_response.Id) + (_response.Items.Count == 0 ? "" : "_" + _response.Items.Count));
            if (refusal)
            {
                _message.Refusal = new();
            }

            _response.Items.Add(_message);
            ItemEvent("response.output_item.added"u8, _message);
            PartEvent("response.content_part.added"u8, _message);
        }

        (refusal ? _message.Refusal! : _message.Text).Append(text);
        Begin(refusal ? "response.refusal.delta"u8 : "response.output_text.delta"u8);
        _json.WriteString("item_id"u8, _message.Id);
        _json.WriteNumber("output_index"u8, _response.Items.Count - 1);
        _json.WriteNumber("content_index"u8, 0);
        _json.WriteString("delta"u8, text);
        if (!refusal)
        {
            _json.WriteStartArray("logprobs"u8);
            _json.WriteEndArray();
        }

        End();
    }

    private void OnToolCall(JsonElement call, int position)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var index = call.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : position;
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        if (_call is null || _callIndex != index)
        {
            CloseItem();
            var callId = String(call, "id") ?? ResponseIds.NewCallId();
            _call = new ResponseOutput.FunctionCallItem(ResponseIds.FunctionCall(callId), callId, String(function, "name") ?? "");
            _callIndex = index;
            _response.Items.Add(_call);
            ItemEvent("response.output_item.added"u8, _call);
        }

        if (String(function, "arguments") is { Length: > 0 } arguments)
        {
            _call.Arguments.Append(arguments);
            Begin("response.function_call_arguments.delta"u8);
            _json.WriteString("item_id"u8, _call.Id);
            _json.WriteNumber("output_index"u8, _response.Items.Count - 1);
            _json.WriteString("delta"u8, arguments);
            End();
        }
    }

    private void CloseItem()
    {
        var outputIndex = _response.Items.Count - 1;
        if (_message is { } message)
        {
            _message = null;
            message.Status = "completed";
            var refusal = message.Refusal is not null;
            Begin(refusal ? "response.refusal.done"u8 : "response.output_text.done"u8);
            _json.WriteString("item_id"u8, message.Id);
            _json.WriteNumber("output_index"u8, outputIndex);
            _json.WriteNumber("content_index"u8, 0);
            if (refusal)
            {
                _json.WriteString("refusal"u8, message.Refusal!.ToString());
            }
            else
            {
                _json.WriteString("text"u8, message.Text.ToString());
                _json.WriteStartArray("logprobs"u8);
                _json.WriteEndArray();
            }

            End();
            PartEvent("response.content_part.done"u8, message);
            ItemEvent("response.output_item.done"u8, message);
        }

        if (_call is { } call)
        {
            _call = null;
            _callIndex = -1;
            call.Status = "completed";
            Begin("response.function_call_arguments.done"u8);
            _json.WriteString("item_id"u8, call.Id);
            _json.WriteNumber("output_index"u8, outputIndex);
            _json.WriteString("name"u8, call.Name);
            _json.WriteString("arguments"u8, call.Arguments.ToString());
            End();
            ItemEvent("response.output_item.done"u8, call);
        }
    }

    private void Complete()
    {
        EnsureStarted();
        CloseItem();
        _response.Finish(_finishReason);
        ResponseEvent(_response.Status == "incomplete" ? "response.incomplete"u8 : "response.completed"u8);
        Finished = true;
    }

    private void Fail(string message, string? code)
    {
        EnsureStarted();
        Begin("error"u8);
        _json.WriteString("code"u8, code);
        _json.WriteString("message"u8, message);
        _json.WriteNull("param"u8);
        End();
        _response.Status = "failed";
        _response.Error = new OpenAIError(StatusCodes.Status500InternalServerError, message, "server_error", Code: code);
        ResponseEvent("response.failed"u8);
        Finished = true;
    }

    private void EnsureStarted()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        ResponseEvent("response.created"u8);
        ResponseEvent("response.in_progress"u8);
    }

    private void ResponseEvent(ReadOnlySpan<byte> type)
    {
        Begin(type);
        _json.WritePropertyName("response"u8);
        _response.WriteResponse(_json);
        End();
    }

    private void ItemEvent(ReadOnlySpan<byte> type, ResponseOutput.OutputItem item)
    {
        Begin(type);
        _json.WriteNumber("output_index"u8, _response.Items.Count - 1);
        _json.WritePropertyName("item"u8);
        if (type.SequenceEqual("response.output_item.added"u8) && item is ResponseOutput.MessageItem added)
        {
            // An added message has no parts yet: they arrive as content_part.added.
            _json.WriteStartObject();
            _json.WriteString("id"u8, added.Id);
            _json.WriteString("type"u8, "message"u8);
            _json.WriteString("status"u8, "in_progress"u8);
            _json.WriteString("role"u8, "assistant"u8);
            _json.WriteStartArray("content"u8);
            _json.WriteEndArray();
            _json.WriteEndObject();
        }
        else
        {
            item.Write(_json);
        }

        End();
    }

    private void PartEvent(ReadOnlySpan<byte> type, ResponseOutput.MessageItem message)
    {
        Begin(type);
        _json.WriteString("item_id"u8, message.Id);
        _json.WriteNumber("output_index"u8, _response.Items.Count - 1);
        _json.WriteNumber("content_index"u8, 0);
        _json.WritePropertyName("part"u8);
        message.WritePart(_json);
        End();
    }

    /// <summary>Writes <c>event: type\ndata: {"type":"type","sequence_number":n</c>; the caller adds the rest.</summary>
    private void Begin(ReadOnlySpan<byte> type)
    {
        Output.Write("event: "u8);
        Output.Write(type);
        Output.Write("\ndata: "u8);
        _json.Reset(Output);
        _json.WriteStartObject();
        _json.WriteString("type"u8, type);
        _json.WriteNumber("sequence_number"u8, _sequence++);
    }

    private void End()
    {
        _json.WriteEndObject();
        _json.Flush();
        Output.Write("\n\n"u8);
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
