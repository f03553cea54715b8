namespace Gatehouse.SharedState;

/// <summary>
/// Orders every "read from the store, then apply in memory" in this replica (a local change, a
/// reload of one item on notice, the periodic full reload) one at a time. Without it a full reload
/// that read the keys just before a revocation was stored could apply its stale copy just after the
/// revocation, and the key would work again until the next reload. Only management writes and
/// reloads take it, never a call.
/// </summary>
internal sealed class StateSync(IStateChangeBus bus) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Stores and applies a change under the gate, then tells the other replicas.</summary>
    public async Task<T> ChangeAsync<T>(StateChange change, Func<CancellationToken, Task<T>> storeAndApply, CancellationToken cancellationToken)
    {
        var result = await ExclusiveAsync(storeAndApply, cancellationToken);

        // Not the caller's token: the change is stored, so the notice must go out even if the caller left.
        await bus.PublishAsync(change, CancellationToken.None);
        return result;
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Runs a read-then-apply with no other one in between.</summary>
    public async Task<T> ExclusiveAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
