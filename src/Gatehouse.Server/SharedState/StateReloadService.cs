using Gatehouse.Configuration;
using Microsoft.Extensions.Options;

namespace Gatehouse.SharedState;

/// <summary>
/// Listens to the other replicas' notices and applies each, and reloads everything from the store
/// every <c>Gatehouse:SharedState:ReloadSeconds</c> as the safety net for notices lost (a bus that
/// was down, a replica that was paused). A reload that fails (the database unreachable) keeps the
/// copies as they are and is logged; calls go on being served from memory.
/// </summary>
internal sealed partial class StateReloadService(
    IStateChangeBus bus,
    StateReloader reloader,
    IOptions<GatehouseOptions> options,
    TimeProvider timeProvider,
    ILogger<StateReloadService> logger) : BackgroundService
{
    private IDisposable? _subscription;
    private int _failing;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = bus.Subscribe(ApplyAsync);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.SharedState.ReloadSeconds;
        if (seconds <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunAsync(StateChange.Everything, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private Task ApplyAsync(StateChange change, CancellationToken cancellationToken) => RunAsync(change, cancellationToken);

    private async Task RunAsync(StateChange change, CancellationToken cancellationToken)
    {
        try
        {
            await reloader.ApplyAsync(change, cancellationToken);
            if (Interlocked.Exchange(ref _failing, 0) == 1)
            {
                LogRecovered();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Logged once per outage, not once per notice or tick.
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                LogReloadFailed(ex, change.Kind);
            }
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Could not reload shared state ({Kind}) from the store; serving from memory until it can.")]
    private partial void LogReloadFailed(Exception exception, StateChangeKind kind);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Shared state reloads from the store again.")]
    private partial void LogRecovered();
}
