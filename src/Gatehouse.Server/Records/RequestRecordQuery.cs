namespace Gatehouse.Records;

/// <summary>Filters for listing records, newest first. <see cref="Cursor"/> is the opaque value a previous page returned.</summary>
public sealed record RequestRecordQuery
{
    public string? KeyId { get; init; }
    public string? Model { get; init; }
    public int? StatusCode { get; init; }
    /// <summary><c>success</c> (status &lt; 400) or <c>error</c>; combines with <see cref="StatusCode"/>.</summary>
    public string? Outcome { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public string? Cursor { get; init; }
    public int Limit { get; init; } = 50;
}

public sealed record RequestRecordPage(IReadOnlyList<RequestRecord> Items, string? NextCursor);
