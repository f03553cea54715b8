namespace Gatehouse.Routing;

/// <summary>
/// What one attempt holds on a deployment's caps: a concurrency slot (released on dispose) and a
/// token reservation (settled with the attempt's real usage). Settle, then dispose.
/// </summary>
internal sealed class DeploymentLease(IDisposable? concurrency, ITokenSettlement? tokens) : IDisposable
{
    /// <summary>For a deployment without caps: nothing to hold, nothing to allocate.</summary>
    public static readonly DeploymentLease Unlimited = new(null, null);

    /// <summary>Charges the attempt's real usage to the deployment's tokens per minute (a failed attempt usually used none).</summary>
    public void Settle(int usedTokens) => tokens?.Settle(usedTokens);

    public void Dispose() => concurrency?.Dispose();
}
