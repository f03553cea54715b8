namespace Gatehouse.Executions;

/// <summary>A piece of a streamed execution's output as it arrives; <see cref="Attempt"/> tells a repair's text from the first answer's.</summary>
internal readonly record struct ExecutionDelta(int Attempt, string Text);
