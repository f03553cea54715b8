using System.Globalization;

namespace Gatehouse.Routing;

/// <summary>
/// One limit as OpenAI reports it: <c>x-ratelimit-limit-{unit}</c>, <c>x-ratelimit-remaining-{unit}</c>
/// and, when the limit refused a call, <c>x-ratelimit-reset-{unit}</c> (e.g. <c>7s</c>).
/// </summary>
/// <param name="Unit"><c>requests</c> or <c>tokens</c>.</param>
internal readonly record struct RateLimitHeaders(string Unit, long Limit, long Remaining, TimeSpan? Reset = null)
{
    public void WriteTo(IHeaderDictionary headers)
    {
        headers["x-ratelimit-limit-" + Unit] = Limit.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining-" + Unit] = Math.Max(0, Remaining).ToString(CultureInfo.InvariantCulture);
        if (Reset is { } reset)
        {
            headers["x-ratelimit-reset-" + Unit] = WholeSeconds(reset) + "s";
        }
    }

    /// <summary>A wait rounded up to whole seconds, at least 1, as Retry-After wants it.</summary>
    public static string WholeSeconds(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
