using System.Threading.RateLimiting;

namespace Gatehouse.Routing;

/// <summary>The one shape of "N per minute" Gatehouse uses: a sliding minute in six segments, no queueing.</summary>
internal static class PerMinuteLimiter
{
    public static SlidingWindowRateLimiter Create(int permitsPerMinute) => new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = permitsPerMinute,
        Window = TimeSpan.FromMinutes(1),
        SegmentsPerWindow = 6,
        QueueLimit = 0,
        AutoReplenishment = true,
    });
}
