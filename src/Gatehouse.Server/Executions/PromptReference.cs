namespace Gatehouse.Executions;

/// <summary>Which prompt an execution ran, as the prompt catalog names it; opaque here, stored for history and analytics.</summary>
internal sealed record PromptReference(string? Id, string? Slug, string? VersionId, string? Label);
