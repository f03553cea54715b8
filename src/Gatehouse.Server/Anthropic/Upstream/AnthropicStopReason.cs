namespace Gatehouse.Anthropic.Upstream;

/// <summary>Anthropic's <c>stop_reason</c> as an OpenAI <c>finish_reason</c>.</summary>
internal static class AnthropicStopReason
{
    /// <param name="jsonViaTool">The only tool call is the forced <c>response_format</c> tool, whose input became the content.</param>
    public static string ToFinishReason(string? stopReason, bool jsonViaTool) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => jsonViaTool ? "stop" : "tool_calls",
        "refusal" => "content_filter",
        // end_turn, stop_sequence, pause_turn (a server tool paused the turn) and anything new.
        _ => "stop",
    };
}
