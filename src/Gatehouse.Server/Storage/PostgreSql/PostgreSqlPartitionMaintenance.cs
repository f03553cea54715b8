using Gatehouse.Configuration;
using Microsoft.Extensions.Options;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>
/// Keeps the day partitions of <c>request_records</c> ahead of the clock and within retention:
/// at start (after the migrations, which run before hosted services) and then every hour, creates
/// today's partition and the next <c>PartitionDaysAhead</c> days', and drops those older than
/// <c>RecordRetentionDays</c>. A failure is logged and tried again next time: records written
/// meanwhile land in the DEFAULT partition and are moved when their day's partition is created.
/// </summary>
internal sealed partial class PostgreSqlPartitionMaintenance(
    PostgreSqlRecordPartitions partitions,
    IOptionsMonitor<GatehouseOptions> options,
    TimeProvider timeProvider,
    ILogger<PostgreSqlPartitionMaintenance> logger) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await RunOnceAsync(stoppingToken);
            try
            {
                await Task.Delay(Interval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round of maintenance; never throws except on cancellation.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Storage.PostgreSql;
        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        try
        {
            var created = await partitions.EnsureAsync(today, settings.PartitionDaysAhead, settings.UnloggedRecords, cancellationToken);
            if (created > 0)
            {
                LogCreated(created, settings.UnloggedRecords);
            }

            if (settings.RecordRetentionDays > 0)
            {
                var dropped = await partitions.DropBeforeAsync(today.AddDays(-settings.RecordRetentionDays), cancellationToken);
                if (dropped.Count > 0)
                {
                    LogDropped(dropped.Count, settings.RecordRetentionDays, dropped);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Created {Count} day partitions of request_records (unlogged: {Unlogged}).")]
    private partial void LogCreated(int count, bool unlogged);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Information, Message = "Dropped {Count} day partitions of request_records older than {RetentionDays} days: {Partitions}.")]
    private partial void LogDropped(int count, int retentionDays, IReadOnlyList<string> partitions);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Error, Message = "Maintaining the day partitions of request_records failed; trying again within the hour.")]
    private partial void LogFailed(Exception exception);
}
