using System.Text.Json;

namespace Gatehouse.Simulator;

/// <summary>The parts of a chat completions request body that the simulator reacts to.</summary>
internal sealed class ChatRequest
{
    public required string Model { get; init; }

    public required JsonElement Messages { get; init; }

    public int N { get; init; } = 1;

    public int? MaxTokens { get; init; }

    public long? Seed { get; init; }

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    /// <summary>The <c>response_format</c> object, or undefined.</summary>
    public JsonElement ResponseFormat { get; init; }

    /// <summary>The <c>tools</c> array (only when non-empty), or undefined.</summary>
    public JsonElement Tools { get; init; }

    /// <summary>The <c>tool_choice</c> value, or undefined.</summary>
    public JsonElement ToolChoice { get; init; }

    public bool HasTools => Tools.ValueKind == JsonValueKind.Array;

    /// <summary>Reads the request; on failure returns null and an OpenAI-style message naming the parameter.</summary>
    public static ChatRequest? Parse(JsonElement body, out string? error, out string? param)
    {
        error = null;
        param = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = "The request body must be a JSON object.";
            return null;
        }

        if (!body.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
        {
            (error, param) = ("You must provide a model parameter.", "model");
            return null;
        }

        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            (error, param) = ("[] is too short - 'messages'", "messages");
            return null;
        }

        var n = 1;
        if (body.TryGetProperty("n", out var nValue) && nValue.ValueKind != JsonValueKind.Null &&
            (!nValue.TryGetInt32(out n) || n is < 1 or > 128))
        {
            (error, param) = ("'n' must be an integer between 1 and 128.", "n");
            return null;
        }

        var maxTokens = GetInt(body, "max_completion_tokens") ?? GetInt(body, "max_tokens");
        if (maxTokens is < 1)
        {
            (error, param) = ("max_tokens must be at least 1.", "max_tokens");
            return null;
        }

        body.TryGetProperty("tools", out var tools);
        var streamOptions = body.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object ? so : default;
        return new ChatRequest
        {
            Model = modelName,
            Messages = messages,
            N = n,
            MaxTokens = maxTokens,
            Seed = body.TryGetProperty("seed", out var seed) && seed.TryGetInt64(out var s) ? s : null,
            Stream = body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
            IncludeUsage = streamOptions.ValueKind == JsonValueKind.Object &&
                streamOptions.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True,
            ResponseFormat = body.TryGetProperty("response_format", out var rf) && rf.ValueKind == JsonValueKind.Object ? rf : default,
            Tools = tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0 ? tools : default,
            ToolChoice = body.TryGetProperty("tool_choice", out var tc) && tc.ValueKind != JsonValueKind.Null ? tc : default,
        };
    }

    private static int? GetInt(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
}
