using Gatehouse.Analytics;

namespace Gatehouse.Storage;

/// <summary>
/// A report range split for the hourly rollups: the whole hours inside it
/// [<see cref="HoursFromUs"/>, <see cref="HoursToUs"/>), summed from <c>request_record_hours</c>, and the
/// partial hours before and after them, read from <c>request_records</c>.
/// </summary>
internal sealed record AnalyticsRollupRange(long FromUs, long ToUs, long HoursFromUs, long HoursToUs)
{
    /// <summary>An hour in microseconds: the rollups' grain, and a divisor of both bucket widths.</summary>
    public const long HourUs = 3_600_000_000;

    /// <summary>
    /// The split for the admin's request report (every key), or null when the records serve it as well:
    /// a key's or an owner's report (the key index finds their records), or a range without a whole hour.
    /// Ranges from 1970 or earlier go to the records too: the rollups' hour is an integer division, which rounds
    /// toward zero, so the hour starting at 0 also holds the records of the hour before it.
    /// </summary>
    public static AnalyticsRollupRange? For(AnalyticsQuery query)
    {
        if (query.Owner is not null || query.KeyId is not null)
        {
            return null;
        }

        var fromUs = StorageValues.ToUnixMicroseconds(query.From);
        var toUs = StorageValues.ToUnixMicroseconds(query.To);
        if (fromUs <= 0 || toUs > long.MaxValue - HourUs)
        {
            return null;
        }

        var hoursFromUs = (fromUs + HourUs - 1) / HourUs * HourUs;
        var hoursToUs = toUs / HourUs * HourUs;
        return hoursFromUs < hoursToUs ? new AnalyticsRollupRange(fromUs, toUs, hoursFromUs, hoursToUs) : null;
    }
}
