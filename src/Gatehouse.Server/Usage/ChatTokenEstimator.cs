using System.Text.Json;

namespace Gatehouse.Usage;

/// <summary>
/// Estimates token usage for an OpenAI chat completion when the upstream reports none, with the
/// formula OpenAI publishes in its cookbook ("How to count tokens with tiktoken"): every message costs
/// 3 tokens of framing plus its string fields (role, content, name…), a name costs 1 more, and the
/// reply is primed with 3. Tool definitions are counted as their JSON text, which slightly
/// over-counts; images, audio and files in content parts are not counted.
/// </summary>
internal static class ChatTokenEstimator
{
    internal const int TokensPerMessage = 3;
    internal const int TokensPerName = 1;
    internal const int ReplyPriming = 3;

    /// <summary>Estimated prompt tokens for a whole <c>/v1/chat/completions</c> request body.</summary>
    /// <param name="counter">Defaults to <see cref="TiktokenTokenCounter.Instance"/> (o200k_base).</param>
    /// <param name="cancellationToken">Stops the count (the request's, so work ends when the client leaves).</param>
    public static int EstimatePrompt(JsonElement request, ITokenCounter? counter = null, CancellationToken cancellationToken = default)
    {
        var count = new Counter(counter ?? TiktokenTokenCounter.Instance, cancellationToken);
        if (request.ValueKind != JsonValueKind.Object)
        {
            return 0;
        }

        // long, then saturated: a count cannot overflow into a small (admitted) number.
        var tokens = 0L;
        if (request.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                tokens += TokensPerMessage + CountMessage(message, count);
            }

            tokens += ReplyPriming;
        }

        if (request.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0)
        {
            tokens += count.Text(tools.GetRawText());
        }

        return (int)Math.Min(tokens, int.MaxValue);
    }

    /// <summary>Estimated completion tokens for the text a model returned.</summary>
    /// <param name="counter">Defaults to <see cref="TiktokenTokenCounter.Instance"/> (o200k_base).</param>
    public static int EstimateCompletion(string text, ITokenCounter? counter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return (counter ?? TiktokenTokenCounter.Instance).CountTokens(text, cancellationToken);
    }

    /// <summary>A <see cref="TokenUsage"/> marked <see cref="TokenUsage.Estimated"/> for a request and its completion text.</summary>
    public static TokenUsage Estimate(JsonElement request, string completion, ITokenCounter? counter = null, CancellationToken cancellationToken = default) =>
        new(EstimatePrompt(request, counter, cancellationToken), EstimateCompletion(completion, counter, cancellationToken), Estimated: true);

    private static int CountMessage(JsonElement message, Counter counter)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return 0;
        }

        var tokens = 0;
        foreach (var property in message.EnumerateObject())
        {
            switch (property.Name)
            {
                case "content":
                    tokens += CountContent(property.Value, counter);
                    break;
                case "tool_calls":
                    tokens += CountToolCalls(property.Value, counter);
                    break;
                case "name":
                    tokens += TokensPerName + CountString(property.Value, counter);
                    break;
                default:
                    // role, tool_call_id, refusal…: the cookbook counts every string value.
                    tokens += CountString(property.Value, counter);
                    break;
            }
        }

        return tokens;
    }

    private static int CountContent(JsonElement content, Counter counter)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            return CountString(content, counter);
        }

        var tokens = 0;
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text))
            {
                tokens += CountString(text, counter);
            }
        }

        return tokens;
    }

    private static int CountToolCalls(JsonElement toolCalls, Counter counter)
    {
        if (toolCalls.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        var tokens = 0;
        foreach (var call in toolCalls.EnumerateArray())
        {
            if (call.ValueKind == JsonValueKind.Object
                && call.TryGetProperty("function", out var function)
                && function.ValueKind == JsonValueKind.Object)
            {
                if (function.TryGetProperty("name", out var name))
                {
                    tokens += CountString(name, counter);
                }

                if (function.TryGetProperty("arguments", out var arguments))
                {
                    tokens += CountString(arguments, counter);
                }
            }
        }

        return tokens;
    }

    private static int CountString(JsonElement value, Counter counter) =>
        value.ValueKind == JsonValueKind.String ? counter.Text(value.GetString()!) : 0;

    /// <summary>The tokenizer and the token that stops it, passed down together.</summary>
    private readonly record struct Counter(ITokenCounter Tokenizer, CancellationToken CancellationToken)
    {
        public int Text(string text) => Tokenizer.CountTokens(text, CancellationToken);
    }
}
