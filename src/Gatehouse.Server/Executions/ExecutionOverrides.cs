namespace Gatehouse.Executions;

/// <summary>What a caller may change for one execution without a new prompt version.</summary>
internal sealed record ExecutionOverrides(string? Model = null, double? Temperature = null, int? MaxTokens = null);
