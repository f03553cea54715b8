namespace Gatehouse.Executions;

/// <summary>Filters for listing executions, newest first. <see cref="Cursor"/> is the opaque value a previous page returned.</summary>
internal sealed record ExecutionQuery
{
    /// <summary>Only this owner's executions (how a non-admin key sees history); null = every owner.</summary>
    public string? Owner { get; init; }

    public string? KeyId { get; init; }

    /// <summary>A prompt's id or its slug.</summary>
    public string? Prompt { get; init; }

    public string? VersionId { get; init; }

    public string? Status { get; init; }

    public string? Model { get; init; }

    public Guid? RetryOf { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public string? Cursor { get; init; }

    public int Limit { get; init; } = 50;
}

internal sealed record ExecutionPage(IReadOnlyList<Execution> Items, string? NextCursor);
