namespace Gatehouse.Prompts;

/// <summary>One immutable version of a prompt: what it sends, to which model, and what it expects back.</summary>
internal sealed record PromptVersion
{
    public required string PromptId { get; init; }

    /// <summary>1, 2, 3… in the order versions were added.</summary>
    public required int Version { get; init; }

    public required PromptDefinition Definition { get; init; }

    /// <summary>SHA-256 of the normalized definition (lower-case hex): equal content, equal hash.</summary>
    public required string ContentHash { get; init; }

    public string? Note { get; init; }

    public required string CreatedByKey { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
