using System.Text;
using System.Text.Json;

namespace Gatehouse.Tools;

/// <summary>
/// Finds the model's call of the search function in an answer: a whole chat completion, or a
/// stream event by event (<see cref="StreamWatcher"/>). The answer is read as the client gets it,
/// so a <c>/v1/messages</c> call's answer is in Anthropic's shape (<c>SearchCallReader.Anthropic.cs</c>).
/// </summary>
internal static partial class SearchCallReader
{
    /// <summary>The query of the first search call in a chat completion; null when the answer has none.</summary>
    public static string? FromCompletion(ReadOnlySpan<byte> json, string searchName)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (!document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
                    && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray())
                    {
                        if (FunctionOf(call) is { } function && NameOf(function) == searchName)
                        {
                            return QueryOf(function.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "");
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not a chat completion: not a search call either; the client gets it as it is.
        }

        return null;
    }

    /// <summary>The search text from the call's arguments (<c>{"query":"..."}</c>); the raw arguments when they are not that shape.</summary>
    public static string QueryOf(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(SearchToolDefinition.QueryParameter, out var query) && query.ValueKind == JsonValueKind.String)
            {
                return query.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        return arguments;
    }

    internal static JsonElement? FunctionOf(JsonElement call) =>
        call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object ? function : null;

    internal static string? NameOf(JsonElement function) =>
        function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;

    /// <summary>
    /// Watches a stream's events: decides, as early as the answer allows, whether it is a search
    /// (hold it back and ask again) or the answer (let it flow). Text or a call of another tool
    /// decides "answer"; a call of the search function decides "search" and its argument fragments
    /// are gathered to the end. Under <c>WholeAnswer</c> nothing is decided before the end.
    /// </summary>
    internal sealed partial class StreamWatcher
    {
        private readonly StringBuilder _arguments = new();
        private readonly string _searchName;
        private readonly bool _wholeAnswer;
        private readonly bool _anthropic;
        private int _searchIndex = -1;

        /// <param name="anthropic">True when the stream is Anthropic's events (a <c>/v1/messages</c> call), false for chat completion chunks.</param>
        public StreamWatcher(string searchName, bool wholeAnswer, bool anthropic = false)
        {
            _searchName = searchName;
            _wholeAnswer = wholeAnswer;
            _anthropic = anthropic;
        }

        public StreamDecision Decision { get; private set; }

        /// <summary>True once any event showed a search call (also after the stream was let through, under <c>FirstDelta</c>).</summary>
        public bool SawSearch => _searchIndex >= 0;

        public string Query => QueryOf(_arguments.ToString());

        public void OnEvent(ReadOnlySpan<byte> payload)
        {
            try
            {
                var reader = new Utf8JsonReader(payload);
                using var document = JsonDocument.ParseValue(ref reader);
                if (_anthropic)
                {
                    OnAnthropicEvent(document.RootElement);
                    return;
                }

                if (!document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
                {
                    return;
                }

                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
                    {
                        OnDelta(delta);
                    }
                }
            }
            catch (JsonException)
            {
                // The relay judges malformed events; here they decide nothing.
            }
        }

        private void OnDelta(JsonElement delta)
        {
            if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString()!.Length > 0)
            {
                Decide(StreamDecision.Answer);
            }

            if (!delta.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var call in calls.EnumerateArray())
            {
                var index = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
                if (FunctionOf(call) is not { } function)
                {
                    continue;
                }

                if (NameOf(function) is { } name)
                {
                    if (name == _searchName && _searchIndex < 0)
                    {
                        _searchIndex = index;
                        Decide(StreamDecision.Search);
                    }
                    else if (name != _searchName)
                    {
                        Decide(StreamDecision.Answer);
                    }
                }

                if (index == _searchIndex && function.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.String)
                {
                    _arguments.Append(arguments.GetString());
                }
            }
        }

        private void Decide(StreamDecision decision)
        {
            if (Decision == StreamDecision.Undecided && !(_wholeAnswer && decision == StreamDecision.Answer))
            {
                Decision = decision;
            }
        }
    }
}

internal enum StreamDecision
{
    Undecided,

    /// <summary>The answer: let it through.</summary>
    Answer,

    /// <summary>A search call: hold it back, ask again with more tools.</summary>
    Search,
}
