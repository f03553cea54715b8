namespace Gatehouse.Simulator;

/// <summary>
/// One generated choice: either <see cref="Content"/> or <see cref="ToolCall"/>, with its token
/// counts (<see cref="ReasoningTokens"/> are billed but not visible).
/// </summary>
internal sealed record SimulatedChoice(
    string? Content,
    SimulatedToolCall? ToolCall,
    string FinishReason,
    int OutputTokens,
    int ReasoningTokens)
{
    public int CompletionTokens => OutputTokens + ReasoningTokens;
}
