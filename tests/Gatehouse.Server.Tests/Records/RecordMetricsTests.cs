using Gatehouse.Hosting;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit;

namespace Gatehouse.Tests.Records;

public sealed class RecordMetricsTests
{
    [Fact]
    public async Task WrittenRecords_AreVisibleAsMetric()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var collector = new MetricCollector<long>(server.GetService<System.Diagnostics.Metrics.IMeterFactory>(), GatehouseTelemetry.MeterName, "gatehouse.records.written");
        using var client = server.CreateClient();
        using (await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), TestContext.Current.CancellationToken))
        {
        }

        await server.WaitForRecordsAsync(1);
        collector.RecordObservableInstruments();
        Assert.Equal(1, collector.LastMeasurement!.Value);
    }
}
