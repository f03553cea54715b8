using Gatehouse.Records;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gatehouse.Health;

/// <summary>
/// Degraded while request history is at risk: records lost in the last minute, the journal failing
/// to take or flush them (a full or broken disk: answered calls are no longer crash-safe), or the
/// database failing to store them right now (they wait in memory and the journal). Degraded still
/// serves (200): calls are answered, but an operator watching readiness sees the history in trouble.
/// </summary>
internal sealed class RecordsHealthCheck(RequestRecordWriter writer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = writer.Status();
        var data = new Dictionary<string, object>
        {
            ["queued"] = status.Queued,
            ["dropped"] = status.Dropped + status.Rejected,
            ["spilled"] = status.Spilled,
            ["writeFailures"] = status.WriteFailures,
        };
        var window = RequestRecordWriter.TroubleWindow;
        string? trouble = null;
        if (status.LostWithin(window))
        {
            trouble = $"Request records are being lost ({status.Dropped + status.Rejected} since start).";
        }
        else if (status.JournalFailingWithin(window))
        {
            trouble = $"The record journal is failing ({status.Journal!.LastFailure}); answered calls are not crash-safe.";
        }
        else if (status.DatabaseFailing)
        {
            var why = status.ConsecutiveWriteFailures > 0 ? status.LastWriteError : $"a write has been waiting {status.WritingFor!.Value.TotalSeconds:0} s";
            trouble = $"The database is not storing request records ({why}); {status.Queued} wait in memory and {status.Spilled} went to the journal.";
        }

        return Task.FromResult(trouble is null ? HealthCheckResult.Healthy(data: data) : HealthCheckResult.Degraded(trouble, data: data));
    }
}
