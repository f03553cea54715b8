namespace Gatehouse.Storage.PostgreSql;

/// <summary>
/// PostgreSQL's text cannot hold U+0000 (SQLite's can). What comes from callers through <c>/api</c> is
/// refused at the door (<c>RequestLimits</c>); what a model or an upstream sent (an output, an error
/// message) is kept with each U+0000 stored as U+FFFD, rather than the row refused and lost.
/// </summary>
internal static class PostgreSqlText
{
    public static string? Storable(string? text) =>
        text is not null && text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;
}
