using System.Diagnostics.Metrics;
using Gatehouse.Caching;
using Gatehouse.Degradation;
using Gatehouse.Records;

namespace Gatehouse.Hosting;

/// <summary>
/// Gatehouse's one <see cref="Meter"/>. Instruments that report state the code already counts are
/// observable, so they cost nothing on the request path and nothing at all when nobody listens.
/// </summary>
internal sealed class GatehouseTelemetry : IDisposable
{
    public const string MeterName = "Gatehouse";

    private readonly Meter _meter;

    public GatehouseTelemetry(IMeterFactory meterFactory, RequestRecordWriter records, CacheCounters cache, DegradationState degradation)
    {
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableCounter("gatehouse.records.written", () => records.WrittenCount, unit: "{record}", description: "Request records stored.");
        _meter.CreateObservableCounter("gatehouse.records.dropped", () => records.DroppedCount, unit: "{record}", description: "Request records lost: neither the journal nor the memory queue could take them, or the database refused them for good.");
        _meter.CreateObservableUpDownCounter("gatehouse.records.queued", () => records.QueuedCount, unit: "{record}", description: "Request records waiting in memory for the database.");
        _meter.CreateObservableCounter("gatehouse.records.spilled", () => records.Status().Spilled, unit: "{record}", description: "Request records the memory queue could not take, kept in the journal and written from it later.");
        _meter.CreateObservableCounter(
            "gatehouse.cache.calls",
            () => new[]
            {
                new Measurement<long>(cache.Hits, new KeyValuePair<string, object?>("status", CacheStatuses.Hit)),
                new Measurement<long>(cache.Misses, new KeyValuePair<string, object?>("status", CacheStatuses.Miss)),
                new Measurement<long>(cache.Coalesced, new KeyValuePair<string, object?>("status", CacheStatuses.Coalesced)),
            },
            unit: "{call}",
            description: "Calls the response cache took part in, by status: hit (served from the cache), miss (went upstream), coalesced (shared a call in flight).");
        _meter.CreateObservableGauge(
            "gatehouse.degradation.level",
            () => (int)degradation.Level,
            unit: "{level}",
            description: "The service level in force: 0 full, 1 degraded, 2 basic, 3 emergency.");
    }

    public void Dispose() => _meter.Dispose();
}
