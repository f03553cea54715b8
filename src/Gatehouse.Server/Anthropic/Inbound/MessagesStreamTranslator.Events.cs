using System.Buffers;
using System.Text.Json;

namespace Gatehouse.Anthropic.Inbound;

/// <remarks>
/// Event mapping. The first chunk → <c>message_start</c> (id from the chunk, <c>usage</c>
/// input_tokens = the hint, output_tokens = 1 as Anthropic sends it). Text deltas (and refusal text)
/// → a <c>text</c> block: <c>content_block_start</c>, <c>text_delta</c>s. Each tool call →
/// a <c>tool_use</c> block (start with id, name, <c>input: {}</c>, then <c>input_json_delta</c>s with
/// the argument fragments). A block is closed (<c>content_block_stop</c>) when the next one starts or
/// at <c>finish_reason</c>; indexes count from 0. Only the first choice is translated; reasoning
/// deltas are dropped; fragments of a tool call whose block was already closed (interleaved parallel
/// calls, which OpenAI does not send) are dropped. <c>message_delta</c> (stop_reason, stop_sequence
/// null, full usage) follows once both the finish reason and the usage chunk have arrived, or at
/// <c>[DONE]</c> with whatever is known (output_tokens 0 when the upstream sent no usage); then
/// <c>message_stop</c>. An OpenAI error event → <c>event: error</c> and the end, without
/// <c>message_stop</c>. Lines that are not JSON are skipped.
/// </remarks>
internal sealed partial class MessagesStreamTranslator
{
    private readonly string _model;
    private readonly int _inputTokensHint;
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly HashSet<int> _toolCallsSeen = [];

    private bool _started;
    private bool _finished;
    private BlockKind _openBlock;
    private int _openToolCall = -1;
    private int _nextBlockIndex;
    private string? _stopReason;
    private AnthropicUsage? _usage;
    private bool _messageDeltaSent;

    private enum BlockKind
    {
        None,
        Text,
        ToolUse,
    }

    private void OnData(ReadOnlySpan<byte> payload)
    {
        if (payload.SequenceEqual("[DONE]"u8))
        {
            OnDone();
            return;
        }

        JsonDocument chunk;
        try
        {
            var reader = new Utf8JsonReader(payload);
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

            if (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
            {
                Fail(AnthropicErrorWriter.FromOpenAIStreamError(payload));
                return;
            }

            EnsureStarted(root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null);
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

            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                _usage = AnthropicUsage.FromOpenAI(usage);
            }

            if (_stopReason is not null && _usage is not null)
            {
                SendMessageDelta();
            }
        }
    }

    private void OnChoice(JsonElement choice)
    {
        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            OnText(delta, "content");
            OnText(delta, "refusal");
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
            CloseBlock();
            _stopReason = AnthropicStopReason.FromFinishReason(finish.GetString());
        }
    }

    private void OnText(JsonElement delta, string name)
    {
        if (!delta.TryGetProperty(name, out var content) || content.ValueKind != JsonValueKind.String || content.ValueEquals(""u8))
        {
            return;
        }

        if (_openBlock != BlockKind.Text)
        {
            CloseBlock();
            BeginEvent("content_block_start"u8);
            _json.WriteNumber("index"u8, _nextBlockIndex);
            _json.WriteStartObject("content_block"u8);
            _json.WriteString("type"u8, "text"u8);
            _json.WriteString("text"u8, ""u8);
            _json.WriteEndObject();
            EndEvent();
            _openBlock = BlockKind.Text;
        }

        BeginEvent("content_block_delta"u8);
        _json.WriteNumber("index"u8, _nextBlockIndex);
        _json.WriteStartObject("delta"u8);
        _json.WriteString("type"u8, "text_delta"u8);
        _json.WriteString("text"u8, content.GetString());
        _json.WriteEndObject();
        EndEvent();
    }

    private void OnToolCall(JsonElement call, int position)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var toolCall = call.TryGetProperty("index", out var index) && index.ValueKind == JsonValueKind.Number ? index.GetInt32() : position;
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        if (_openBlock != BlockKind.ToolUse || _openToolCall != toolCall)
        {
            if (!_toolCallsSeen.Add(toolCall))
            {
                return;
            }

            CloseBlock();
            BeginEvent("content_block_start"u8);
            _json.WriteNumber("index"u8, _nextBlockIndex);
            _json.WriteStartObject("content_block"u8);
            _json.WriteString("type"u8, "tool_use"u8);
            _json.WriteString("id"u8, String(call, "id") ?? "toolu_" + Guid.NewGuid().ToString("N"));
            _json.WriteString("name"u8, String(function, "name") ?? "");
            _json.WriteStartObject("input"u8);
            _json.WriteEndObject();
            _json.WriteStartObject("caller"u8);
            _json.WriteString("type"u8, "direct"u8);
            _json.WriteEndObject();
            _json.WriteEndObject();
            EndEvent();
            _openBlock = BlockKind.ToolUse;
            _openToolCall = toolCall;
        }

        if (String(function, "arguments") is { Length: > 0 } arguments)
        {
            BeginEvent("content_block_delta"u8);
            _json.WriteNumber("index"u8, _nextBlockIndex);
            _json.WriteStartObject("delta"u8);
            _json.WriteString("type"u8, "input_json_delta"u8);
            _json.WriteString("partial_json"u8, arguments);
            _json.WriteEndObject();
            EndEvent();
        }
    }

    private void OnDone()
    {
        EnsureStarted(null);
        CloseBlock();
        _stopReason ??= AnthropicStopReason.FromFinishReason(null);
        SendMessageDelta();
        BeginEvent("message_stop"u8);
        EndEvent();
        _finished = true;
    }

    private void Interrupted(string message) => Fail(new AnthropicError(StatusCodes.Status200OK, AnthropicError.ApiType, message));

    private void Fail(AnthropicError error)
    {
        AnthropicErrorWriter.WriteStreamEvent(_output, error);
        _finished = true;
    }

    private void EnsureStarted(string? openAIId)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        BeginEvent("message_start"u8);
        _json.WriteStartObject("message"u8);
        _json.WriteString("id"u8, MessagesResponseTranslator.MessageId(openAIId));
        _json.WriteString("type"u8, "message"u8);
        _json.WriteString("role"u8, "assistant"u8);
        _json.WriteString("model"u8, _model);
        _json.WriteStartArray("content"u8);
        _json.WriteEndArray();
        _json.WriteNull("stop_reason"u8);
        _json.WriteNull("stop_sequence"u8);
        new AnthropicUsage(_inputTokensHint, 1, 0, 0).WriteAnthropic(_json);
        _json.WriteEndObject();
        EndEvent();
    }

    private void CloseBlock()
    {
        if (_openBlock == BlockKind.None)
        {
            return;
        }

        BeginEvent("content_block_stop"u8);
        _json.WriteNumber("index"u8, _nextBlockIndex);
        EndEvent();
        _openBlock = BlockKind.None;
        _openToolCall = -1;
        _nextBlockIndex++;
    }

    private void SendMessageDelta()
    {
        if (_messageDeltaSent)
        {
            return;
        }

        _messageDeltaSent = true;
        BeginEvent("message_delta"u8);
        _json.WriteStartObject("delta"u8);
        _json.WriteString("stop_reason"u8, _stopReason);
        _json.WriteNull("stop_sequence"u8);
        _json.WriteEndObject();
        (_usage ?? new AnthropicUsage(_inputTokensHint, 0, 0, 0)).WriteAnthropic(_json);
        EndEvent();
    }

    /// <summary>Writes <c>event: type\ndata: {"type":"type"</c>; the caller adds the other properties.</summary>
    private void BeginEvent(ReadOnlySpan<byte> type)
    {
        _output.Write("event: "u8);
        _output.Write(type);
        _output.Write("\ndata: "u8);
        _json.Reset(_output);
        _json.WriteStartObject();
        _json.WriteString("type"u8, type);
    }

    private void EndEvent()
    {
        _json.WriteEndObject();
        _json.Flush();
        _output.Write("\n\n"u8);
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
