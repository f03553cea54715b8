namespace Gatehouse.Tools;

/// <summary>
/// What a call's conversation says about the tools it needs: weighted query terms (the last user
/// message fully, each earlier user turn half as much as the next, up to three turns back; system
/// prompts and assistant words a little), the tools the conversation already called, and the
/// tool <c>tool_choice</c> forces.
/// </summary>
internal sealed class ToolSignals
{
    /// <summary>Turns further back than this add no terms: old topics should not pull in tools.</summary>
    public const int MaxTurnsBack = 3;

    private const float SystemWeight = 0.15f;
    private const float AssistantWeight = 0.3f;

    public ToolQuery Query { get; } = new();

    /// <summary>Tools the conversation has already called (assistant <c>tool_calls</c>): always kept.</summary>
    public HashSet<string> UsedTools { get; } = new(StringComparer.Ordinal);

    /// <summary>The tool <c>tool_choice</c> forces, if any: always kept.</summary>
    public string? ForcedTool { get; set; }

    /// <summary>The last user message's text (its text parts joined), what the embedding similarity compares tools with.</summary>
    public string? LastUserText { get; private set; }

    /// <summary>Adds a message's text. <paramref name="turnsBack"/> counts user turns after it (0 for the last user message and anything after it).</summary>
    public void AddMessage(string role, ReadOnlySpan<char> text, int turnsBack)
    {
        var instructions = role is "system" or "developer";
        if ((turnsBack > MaxTurnsBack && !instructions) || text.IsEmpty)
        {
            return;
        }

        if (role == "user" && turnsBack == 0)
        {
            LastUserText = LastUserText is null ? text.ToString() : string.Concat(LastUserText, "\n", text);
        }

        var recency = 1f / (1 << turnsBack);
        var weight = role switch
        {
            "user" => recency,
            _ when instructions => SystemWeight,
            "assistant" => AssistantWeight * recency,
            _ => 0f, // tool results: data, not intent
        };
        Query.Add(text, weight);
    }
}
