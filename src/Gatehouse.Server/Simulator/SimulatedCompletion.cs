namespace Gatehouse.Simulator;

/// <summary>A whole generated answer: its choices and OpenAI-style usage.</summary>
internal sealed record SimulatedCompletion(
    IReadOnlyList<SimulatedChoice> Choices,
    int PromptTokens,
    int CachedTokens)
{
    public int CompletionTokens => Choices.Sum(static c => c.CompletionTokens);

    public int ReasoningTokens => Choices.Sum(static c => c.ReasoningTokens);

    /// <summary>The largest completion among the choices; choices are produced in parallel.</summary>
    public int LongestCompletionTokens => Choices.Max(static c => c.CompletionTokens);
}
