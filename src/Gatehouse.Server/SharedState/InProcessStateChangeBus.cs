namespace Gatehouse.SharedState;

/// <summary>
/// The bus of a single process (the embedded default): there is no other replica to tell, and the
/// writer has already applied its change here, so publishing does nothing and no notice arrives.
/// </summary>
internal sealed class InProcessStateChangeBus : IStateChangeBus
{
    public ValueTask PublishAsync(StateChange change, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public IDisposable Subscribe(Func<StateChange, CancellationToken, Task> handler) => NoSubscription.Instance;

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }
}
