using System.Buffers;
using System.Text.Json;
using Gatehouse.OpenAI;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>
/// One Anthropic event in, OpenAI chunks out: message_start → the role chunk; text_delta → content;
/// thinking_delta → reasoning_content; tool_use start → a tool call's id and name, input_json_delta →
/// its arguments (or content, for the forced JSON tool); message_delta → finish_reason;
/// message_stop → the usage chunk and <c>[DONE]</c>; error → an error event. ping, content_block_stop,
/// signature_delta and event types added later are ignored.
/// </summary>
internal sealed partial class AnthropicStreamTranslator
{
    private readonly string _model;
    private readonly long _created;
    private readonly string? _jsonToolName;
    private readonly List<(BlockKind Kind, int ToolIndex)> _blocks = [];
    private Utf8JsonWriter? _writer;
    private string _id = "chatcmpl-";
    private int _toolCount;
    private bool _jsonToolUsed;
    private AnthropicUsage _usage;
    private bool _usageSeen;

    private enum BlockKind
    {
        Ignored,
        Text,
        Thinking,
        Tool,
        JsonTool,
    }

    /// <returns>False when the event is not an Anthropic event (no type, or a block event without index).</returns>
    private bool OnEvent(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (type.ValueEquals("content_block_delta"u8))
        {
            return OnBlockDelta(root);
        }

        if (type.ValueEquals("content_block_start"u8))
        {
            return OnBlockStart(root);
        }

        if (type.ValueEquals("message_start"u8))
        {
            OnMessageStart(root);
        }
        else if (type.ValueEquals("message_delta"u8))
        {
            OnMessageDelta(root);
        }
        else if (type.ValueEquals("message_stop"u8))
        {
            if (_usageSeen)
            {
                WriteUsageChunk();
            }

            _output.Write("data: [DONE]\n\n"u8);
            _finished = true;
        }
        else if (type.ValueEquals("error"u8))
        {
            OnError(root);
        }

        // ping, content_block_stop, and anything Anthropic adds later.
        return true;
    }

    private void OnMessageStart(JsonElement root)
    {
        if (root.TryGetProperty("message"u8, out var message) && message.ValueKind == JsonValueKind.Object)
        {
            if (message.TryGetProperty("id"u8, out var id) && id.ValueKind == JsonValueKind.String)
            {
                _id = "chatcmpl-" + id.GetString();
            }

            if (message.TryGetProperty("usage"u8, out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                _usage = AnthropicUsage.FromAnthropic(usage);
                _usageSeen = true;
            }
        }

        var writer = BeginChunk();
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("content"u8, ""u8);
        EndChunk(writer, null);
    }

    private bool OnBlockStart(JsonElement root)
    {
        if (!TryGetIndex(root, out var index) || !root.TryGetProperty("content_block"u8, out var block) || block.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        block.TryGetProperty("type"u8, out var type);
        if (type.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (type.ValueEquals("text"u8))
        {
            SetBlock(index, BlockKind.Text);
            if (block.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String && !text.ValueEquals(""u8))
            {
                WriteDeltaChunk("content"u8, text);
            }
        }
        else if (type.ValueEquals("thinking"u8))
        {
            SetBlock(index, BlockKind.Thinking);
        }
        else if (type.ValueEquals("tool_use"u8))
        {
            block.TryGetProperty("name"u8, out var name);
            if (_jsonToolName is not null && name.ValueKind == JsonValueKind.String && name.ValueEquals(_jsonToolName))
            {
                SetBlock(index, BlockKind.JsonTool);
                _jsonToolUsed = true;
            }
            else
            {
                var toolIndex = _toolCount++;
                SetBlock(index, BlockKind.Tool, toolIndex);
                WriteToolStart(toolIndex, block, name);
            }
        }
        else
        {
            // redacted_thinking, server_tool_use, web_search_tool_result…: nothing OpenAI can show.
            SetBlock(index, BlockKind.Ignored);
        }

        return true;
    }

    private bool OnBlockDelta(JsonElement root)
    {
        if (!TryGetIndex(root, out var index) || !root.TryGetProperty("delta"u8, out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        delta.TryGetProperty("type"u8, out var type);
        var (kind, toolIndex) = index < _blocks.Count ? _blocks[index] : (BlockKind.Ignored, 0);
        if (type.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (type.ValueEquals("text_delta"u8) && delta.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String)
        {
            WriteDeltaChunk("content"u8, text);
        }
        else if (type.ValueEquals("thinking_delta"u8) && delta.TryGetProperty("thinking"u8, out var thinking) && thinking.ValueKind == JsonValueKind.String)
        {
            WriteDeltaChunk("reasoning_content"u8, thinking);
        }
        else if (type.ValueEquals("input_json_delta"u8) && delta.TryGetProperty("partial_json"u8, out var json) && json.ValueKind == JsonValueKind.String && !json.ValueEquals(""u8))
        {
            if (kind == BlockKind.JsonTool)
            {
                WriteDeltaChunk("content"u8, json);
            }
            else if (kind == BlockKind.Tool)
            {
                WriteToolArguments(toolIndex, json);
            }
        }

        return true;
    }

    private void OnMessageDelta(JsonElement root)
    {
        string? stopReason = null;
        if (root.TryGetProperty("delta"u8, out var delta) && delta.ValueKind == JsonValueKind.Object
            && delta.TryGetProperty("stop_reason"u8, out var reason) && reason.ValueKind == JsonValueKind.String)
        {
            stopReason = reason.GetString();
        }

        // Counts here are cumulative: output_tokens always, the input counts on newer API versions.
        if (root.TryGetProperty("usage"u8, out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            _usage = AnthropicUsage.FromAnthropic(usage, _usage);
            _usageSeen = true;
        }

        var writer = BeginChunk();
        EndChunk(writer, AnthropicStopReason.ToFinishReason(stopReason, _jsonToolUsed && _toolCount == 0));
    }

    private void OnError(JsonElement root)
    {
        string? type = null;
        var message = "The Anthropic stream reported an error.";
        if (root.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object)
        {
            if (error.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String)
            {
                type = t.GetString();
            }

            if (error.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String)
            {
                message = m.GetString()!;
            }
        }

        OpenAIErrorWriter.WriteStreamEvent(_output, AnthropicErrorTranslator.ToOpenAIError(AnthropicErrorTranslator.StatusOf(type), type, message));
        _finished = true;
    }

    private void WriteDeltaChunk(ReadOnlySpan<byte> property, JsonElement value)
    {
        var writer = BeginChunk();
        writer.WritePropertyName(property);
        value.WriteTo(writer);
        EndChunk(writer, null);
    }

    private void WriteToolStart(int toolIndex, JsonElement block, JsonElement name)
    {
        var writer = BeginChunk();
        writer.WriteStartArray("tool_calls"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, toolIndex);
        writer.WritePropertyName("id"u8);
        if (block.TryGetProperty("id"u8, out var id) && id.ValueKind == JsonValueKind.String)
        {
            id.WriteTo(writer);
        }
        else
        {
            writer.WriteStringValue($"call_{toolIndex}");
        }

        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WritePropertyName("name"u8);
        if (name.ValueKind == JsonValueKind.String)
        {
            name.WriteTo(writer);
        }
        else
        {
            writer.WriteStringValue(""u8);
        }

        writer.WriteString("arguments"u8, ""u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        EndChunk(writer, null);
    }

    private void WriteToolArguments(int toolIndex, JsonElement fragment)
    {
        var writer = BeginChunk();
        writer.WriteStartArray("tool_calls"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, toolIndex);
        writer.WriteStartObject("function"u8);
        writer.WritePropertyName("arguments"u8);
        fragment.WriteTo(writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        EndChunk(writer, null);
    }

    private void WriteUsageChunk()
    {
        var writer = StartEvent();
        writer.WriteStartArray("choices"u8);
        writer.WriteEndArray();
        _usage.WriteOpenAI(writer);
        writer.WriteEndObject();
        EndEvent(writer);
    }

    /// <summary>Starts a chunk up to the inside of <c>choices[0].delta</c>.</summary>
    private Utf8JsonWriter BeginChunk()
    {
        var writer = StartEvent();
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("delta"u8);
        return writer;
    }

    private void EndChunk(Utf8JsonWriter writer, string? finishReason)
    {
        writer.WriteEndObject();
        writer.WriteNull("logprobs"u8);
        if (finishReason is null)
        {
            writer.WriteNull("finish_reason"u8);
        }
        else
        {
            writer.WriteString("finish_reason"u8, finishReason);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        EndEvent(writer);
    }

    private Utf8JsonWriter StartEvent()
    {
        _output.Write("data: "u8);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(_output, AnthropicJson.WriterOptions);
        }
        else
        {
            _writer.Reset(_output);
        }

        _writer.WriteStartObject();
        _writer.WriteString("id"u8, _id);
        _writer.WriteString("object"u8, "chat.completion.chunk"u8);
        _writer.WriteNumber("created"u8, _created);
        _writer.WriteString("model"u8, _model);
        return _writer;
    }

    private void EndEvent(Utf8JsonWriter writer)
    {
        writer.Flush();
        _output.Write("\n\n"u8);
    }

    private void SetBlock(int index, BlockKind kind, int toolIndex = 0)
    {
        while (_blocks.Count <= index)
        {
            _blocks.Add((BlockKind.Ignored, 0));
        }

        _blocks[index] = (kind, toolIndex);
    }

    private static bool TryGetIndex(JsonElement root, out int index)
    {
        index = -1;
        return root.TryGetProperty("index"u8, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt32(out index) && index is >= 0 and < 10_000;
    }
}
