namespace Gatehouse.Anthropic.Inbound;

/// <summary>OpenAI <c>finish_reason</c> → Anthropic <c>stop_reason</c>.</summary>
internal static class AnthropicStopReason
{
    /// <summary>
    /// stop → end_turn, length → max_tokens, tool_calls (and the legacy function_call) → tool_use,
    /// content_filter → refusal; anything else, or none, → end_turn. OpenAI does not say whether a
    /// stop sequence ended the answer, so "stop_sequence" is never produced (and
    /// <c>stop_sequence</c> is always null).
    /// </summary>
    public static string FromFinishReason(string? finishReason) => finishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn",
    };
}
