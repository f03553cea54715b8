using Gatehouse.Storage;

namespace Gatehouse.Executions;

/// <summary>
/// Stores each execution once, when it ends. The caller waits for the write (it answers with the
/// stored execution, and <c>GET /api/executions/{id}</c> must find it at once). A failed write is
/// retried: the insert ignores an id already stored, so a write whose acknowledgement was lost
/// cannot store it twice. If the process dies mid-execution nothing is stored for it; its model
/// calls are in the request history (the batched record writer's rules apply), each of them
/// counted once there and nowhere else.
/// </summary>
internal sealed partial class ExecutionRecorder(IExecutionStore store, TimeProvider timeProvider, ILogger<ExecutionRecorder> logger)
{
    private const int MaxTries = 3;

    /// <summary>Not cancellable: the model calls are paid for, so the execution is kept even when its caller has gone.</summary>
    public async Task SaveAsync(Execution execution)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.InsertAsync(execution, CancellationToken.None);
                return;
            }
            catch (Exception ex) when (attempt < MaxTries && ex is not OperationCanceledException)
            {
                LogWriteFailed(ex, execution.Id, attempt);
                await Task.Delay(delay, timeProvider, CancellationToken.None);
                delay *= 4;
            }
        }
    }

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "Storing execution {ExecutionId} failed (attempt {Attempt}); retrying.")]
    private partial void LogWriteFailed(Exception exception, Guid executionId, int attempt);
}
