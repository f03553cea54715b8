using Gatehouse.SharedState;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// Change notices over Redis pub/sub on <c>{KeyPrefix}state</c>, on the process's one connection.
/// Pub/sub keeps nothing: a notice sent while this replica is cut off is lost, so when the
/// connection comes back after an outage the subscribers get <see cref="StateChange.Everything"/>
/// and reload everything. StackExchange.Redis restores the subscription itself on reconnect; this
/// class subscribes again only if the first attempt found Redis down.
/// </summary>
internal sealed partial class RedisStateChangeBus(RedisConnection connection, ILogger<RedisStateChangeBus> logger) : IStateChangeBus, IHostedService, IDisposable
{
    private readonly string _replica = Guid.NewGuid().ToString("N");
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private ImmutableHandlers _handlers = ImmutableHandlers.Empty;
    private ChannelMessageQueue? _queue;
    private bool _wasDown;

    private RedisChannel Channel => RedisChannel.Literal(connection.KeyPrefix + RedisKeys.StateChannel);

    public async ValueTask PublishAsync(StateChange change, CancellationToken cancellationToken)
    {
        if (connection.Multiplexer is not { IsConnected: true } multiplexer)
        {
            LogNotSent(change.Kind);
            return;
        }

        try
        {
            // Fire and forget: the change is stored; a lost notice is covered by the periodic reload.
            await multiplexer.GetSubscriber().PublishAsync(Channel, StateChangeMessage.Format(_replica, change), CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogNotSent(change.Kind);
        }
    }

    public IDisposable Subscribe(Func<StateChange, CancellationToken, Task> handler)
    {
        lock (_gate)
        {
            _handlers = _handlers.Add(handler);
        }

        return new Subscription(this, handler);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        connection.ConnectionChanged += OnConnectionChanged;
        _wasDown = !connection.IsConnected;
        await TrySubscribeAsync();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        connection.ConnectionChanged -= OnConnectionChanged;
        await _stopping.CancelAsync();
        if (_queue is { } queue)
        {
            try
            {
                await queue.UnsubscribeAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                // Redis is gone; the subscription went with it.
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task TrySubscribeAsync()
    {
        if (_queue is not null || connection.Multiplexer is not { } multiplexer)
        {
            return;
        }

        try
        {
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(Channel);

            // One message at a time, in order: a reload for a notice finishes before the next starts.
            queue.OnMessage(DeliverAsync);
            _queue = queue;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogSubscribeFailed(ex);
        }
    }

    private async void OnConnectionChanged(bool up)
    {
        if (!up)
        {
            _wasDown = true;
            return;
        }

        try
        {
            await TrySubscribeAsync();
            if (_wasDown)
            {
                _wasDown = false;
                LogReloadAfterReconnect();
                await RaiseAsync(StateChange.Everything);
            }
        }
        catch (Exception ex)
        {
            // An async void must not throw (it would end the process); a failed reload is retried by the timer.
            LogSubscribeFailed(ex);
        }
    }

    private Task DeliverAsync(ChannelMessage message)
    {
        if (!StateChangeMessage.TryParse(message.Message, out var replica, out var change))
        {
            LogDropped();
            return Task.CompletedTask;
        }

        return replica == _replica ? Task.CompletedTask : RaiseAsync(change);
    }

    private async Task RaiseAsync(StateChange change)
    {
        foreach (var handler in _handlers.Items)
        {
            try
            {
                await handler(change, _stopping.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Handlers log their own failures; one must not keep the others from the notice.
                LogHandlerFailed(ex, change.Kind);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Unsubscribe(Func<StateChange, CancellationToken, Task> handler)
    {
        lock (_gate)
        {
            _handlers = _handlers.Remove(handler);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Change notice ({Kind}) not sent: Redis is unreachable; other replicas apply it at their next reload.")]
    private partial void LogNotSent(StateChangeKind kind);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Could not subscribe to change notices; retrying when Redis reconnects.")]
    private partial void LogSubscribeFailed(Exception exception);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Redis reconnected: reloading keys, budgets and settings (notices sent meanwhile were lost).")]
    private partial void LogReloadAfterReconnect();

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug, Message = "Dropped a message on the change channel that is not a Gatehouse notice.")]
    private partial void LogDropped();

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "A change notice ({Kind}) handler failed.")]
    private partial void LogHandlerFailed(Exception exception, StateChangeKind kind);

    /// <summary>Copy on write, so a notice is delivered without holding the lock.</summary>
    private sealed record ImmutableHandlers(Func<StateChange, CancellationToken, Task>[] Items)
    {
        public static readonly ImmutableHandlers Empty = new([]);

        public ImmutableHandlers Add(Func<StateChange, CancellationToken, Task> handler) => new([.. Items, handler]);

        public ImmutableHandlers Remove(Func<StateChange, CancellationToken, Task> handler) => new([.. Items.Where(h => h != handler)]);
    }

    private sealed class Subscription(RedisStateChangeBus bus, Func<StateChange, CancellationToken, Task> handler) : IDisposable
    {
        public void Dispose() => bus.Unsubscribe(handler);
    }
}
