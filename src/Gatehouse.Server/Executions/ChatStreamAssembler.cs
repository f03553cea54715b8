using System.Buffers;
using System.Text;
using System.Text.Json;
using Gatehouse.Gateway.Sse;

namespace Gatehouse.Executions;

/// <summary>
/// Rebuilds the answer of a streamed chat completion from its server-sent events as they arrive:
/// the text deltas joined (each one also shown to an observer, live), tool-call fragments merged by
/// index, the finish reason. Fed the raw body in whatever pieces the pipeline writes.
/// </summary>
internal sealed class ChatStreamAssembler(Action<string>? onText) : IDisposable
{
    private readonly SseEventReader _events = new();
    private readonly StringBuilder _content = new();
    private readonly SortedDictionary<int, ToolCallParts> _toolCalls = [];
    private string? _finishReason;
    private bool _sawContent;

    public void Feed(ReadOnlySpan<byte> data)
    {
        _events.Append(data);
        while (_events.TryRead(out var sseEvent))
        {
            ReadEvent(sseEvent.Data);
        }
    }

    public void Dispose() => _events.Dispose();

    public ChatAnswer ToAnswer()
    {
        JsonElement? toolCalls = null;
        if (_toolCalls.Count > 0)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                foreach (var (index, call) in _toolCalls)
                {
                    call.WriteTo(writer, index);
                }

                writer.WriteEndArray();
            }

            toolCalls = JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
        }

        return new ChatAnswer(_sawContent ? _content.ToString() : null, toolCalls, _finishReason);
    }

    private void ReadEvent(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload.SequenceEqual("[DONE]"u8))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            if (!document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number && i.GetInt32() != 0)
                {
                    continue;
                }

                ReadChoice(choice);
            }
        }
        catch (JsonException)
        {
            // The pipeline's stream-integrity check already turns a malformed event into an error for the call.
        }
    }

    private void ReadChoice(JsonElement choice)
    {
        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            _finishReason = finish.GetString();
        }

        if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            var text = content.GetString()!;
            _sawContent = true;
            _content.Append(text);
            if (text.Length > 0)
            {
                onText?.Invoke(text);
            }
        }

        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                var index = call.TryGetProperty("index", out var ix) && ix.ValueKind == JsonValueKind.Number ? ix.GetInt32() : _toolCalls.Count;
                if (!_toolCalls.TryGetValue(index, out var parts))
                {
                    _toolCalls[index] = parts = new ToolCallParts();
                }

                parts.Add(call);
            }
        }
    }

    /// <summary>One tool call as its fragments arrive: id and name once, arguments in pieces.</summary>
    private sealed class ToolCallParts
    {
        private readonly StringBuilder _arguments = new();
        private string? _id;
        private string? _name;

        public void Add(JsonElement fragment)
        {
            if (fragment.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                _id = id.GetString();
            }

            if (fragment.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
            {
                if (function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    _name = name.GetString();
                }

                if (function.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.String)
                {
                    _arguments.Append(arguments.GetString());
                }
            }
        }

        public void WriteTo(Utf8JsonWriter writer, int index)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", index);
            writer.WriteString("id", _id);
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", _name);
            writer.WriteString("arguments", _arguments.ToString());
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }
}
