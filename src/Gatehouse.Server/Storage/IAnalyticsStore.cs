using Gatehouse.Analytics;

namespace Gatehouse.Storage;

/// <summary>Counts executions and request records over a time range, computed in the database.</summary>
internal interface IAnalyticsStore
{
    Task<AnalyticsReport> ComputeAsync(AnalyticsQuery query, CancellationToken cancellationToken);
}
