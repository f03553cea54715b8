using System.Text.Json;
using Gatehouse.Usage;

namespace Gatehouse.Simulator;

/// <summary>
/// Counts prompt tokens the way OpenAI bills chat requests: each message's text plus a few
/// tokens of framing per message, 3 to prime the reply, and the tool definitions.
/// </summary>
internal static class PromptTokenCounter
{
    private const int PerMessage = 4;
    private const int ReplyPriming = 3;
    private const int PerImage = 85;

    public static int Count(ChatRequest request, ITokenCounter counter, CancellationToken cancellationToken = default)
    {
        var total = ReplyPriming;
        foreach (var message in request.Messages.EnumerateArray())
        {
            total += PerMessage;
            if (message.ValueKind != JsonValueKind.Object) continue;
            if (message.TryGetProperty("content", out var content)) total += CountContent(content, counter, cancellationToken);
            if (message.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String) total += counter.CountTokens(name.GetString()!, cancellationToken);
            if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    if (call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object)
                    {
                        total += CountString(f, "name", counter, cancellationToken) + CountString(f, "arguments", counter, cancellationToken);
                    }
                }
            }
        }

        if (request.HasTools) total += counter.CountTokens(request.Tools.GetRawText(), cancellationToken);
        return total;
    }

    /// <summary>The text of a message's content: a string, or the text parts of a part array.</summary>
    public static string? Text(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String) return content.GetString();
        if (content.ValueKind != JsonValueKind.Array) return null;
        string? text = null;
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { } s)
            {
                text = text is null ? s : text + "\n" + s;
            }
        }

        return text;
    }

    private static int CountContent(JsonElement content, ITokenCounter counter, CancellationToken cancellationToken)
    {
        if (content.ValueKind == JsonValueKind.String) return counter.CountTokens(content.GetString()!, cancellationToken);
        if (content.ValueKind != JsonValueKind.Array) return 0;
        var total = 0;
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object) continue;
            if (part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String) total += counter.CountTokens(t.GetString()!, cancellationToken);
            else if (part.TryGetProperty("image_url", out _)) total += PerImage;
        }

        return total;
    }

    private static int CountString(JsonElement obj, string name, ITokenCounter counter, CancellationToken cancellationToken) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? counter.CountTokens(v.GetString()!, cancellationToken) : 0;
}
