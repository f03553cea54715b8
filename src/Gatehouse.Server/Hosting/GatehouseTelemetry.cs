using System.Diagnostics.Metrics;
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

    public GatehouseTelemetry(IMeterFactory meterFactory, RequestRecordWriter records)
    {
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableCounter("gatehouse.records.written", () => records.WrittenCount, unit: "{record}", description: "Request records stored.");
        _meter.CreateObservableCounter("gatehouse.records.dropped", () => records.DroppedCount, unit: "{record}", description: "Request records lost because the queue was full or the database failed at shutdown.");
        _meter.CreateObservableUpDownCounter("gatehouse.records.queued", () => records.QueuedCount, unit: "{record}", description: "Request records waiting for the database.");
    }

    public void Dispose() => _meter.Dispose();
}
