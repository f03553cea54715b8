namespace Gatehouse.SharedState;

/// <summary>
/// Tells the other replicas that something changed, so they reload it from the store within a
/// second instead of at the next periodic reload. Delivery is best effort: a replica that misses a
/// notice converges at the next periodic reload (<see cref="StateReloadService"/>). A replica's own
/// notices are not delivered back to it: the writer has already applied the change.
/// </summary>
internal interface IStateChangeBus
{
    /// <summary>Announces a change that is already stored. Never throws for a bus that is down (the periodic reload covers it).</summary>
    ValueTask PublishAsync(StateChange change, CancellationToken cancellationToken);

    /// <summary>Receives the other replicas' notices (and <see cref="StateChange.Everything"/> after a reconnect) until disposed.</summary>
    IDisposable Subscribe(Func<StateChange, CancellationToken, Task> handler);
}
