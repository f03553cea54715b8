using System.Globalization;

namespace Gatehouse.Hosting;

/// <summary>
/// The one paging rule of every <c>/api</c> list (<c>/api/requests</c>, <c>/api/executions</c>,
/// <c>/api/prompts</c>): <c>limit</c> is a whole number from 1 to the list's maximum, 50 when empty or
/// left out; <c>cursor</c> is a <c>nextCursor</c> a previous page returned, or empty or left out for the
/// first page. Anything else is refused under the parameter's name, never silently clamped.
/// </summary>
internal static class ListPaging
{
    public const int DefaultLimit = 50;

    /// <summary>
    /// Reads <paramref name="limit"/> and <paramref name="cursor"/> as the query gave them (a repeated
    /// parameter arrives joined by commas, and is refused); each problem goes to <paramref name="refuse"/>
    /// as (parameter, message).
    /// </summary>
    public static ListPage Read(string? limit, string? cursor, int maxLimit, Func<string, bool> isCursor, Action<string, string> refuse)
    {
        var pageSize = DefaultLimit;
        if (!string.IsNullOrEmpty(limit)
            && (!int.TryParse(limit, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > maxLimit))
        {
            refuse("limit", $"A whole number from 1 to {maxLimit} (default {DefaultLimit}); got '{limit}'.");
            pageSize = DefaultLimit;
        }

        if (string.IsNullOrEmpty(cursor))
        {
            return new ListPage(pageSize, null);
        }

        if (!isCursor(cursor))
        {
            refuse("cursor", "Not a cursor this list returned: pass a page's 'nextCursor' as it came, or leave 'cursor' out for the first page.");
        }

        return new ListPage(pageSize, cursor);
    }
}

/// <summary>A page to read: how many items at most, after which cursor (null: from the start).</summary>
internal readonly record struct ListPage(int Limit, string? Cursor);
