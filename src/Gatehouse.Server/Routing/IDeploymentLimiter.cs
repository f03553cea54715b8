namespace Gatehouse.Routing;

/// <summary>
/// A deployment's own caps (calls in flight, tokens and requests per minute) for one attempt. The
/// in-process <see cref="DeploymentLimiters"/> is the default; with Redis every replica shares them
/// (<see cref="Redis.RedisDeploymentLimiter"/>). Seam 4 of issue 13.
/// </summary>
internal interface IDeploymentLimiter
{
    /// <summary>The attempt's lease (settle, then dispose when it ends), or why the deployment refused it.</summary>
    ValueTask<DeploymentEntry> TryEnterAsync(Deployment deployment, int estimatedTokens, CancellationToken cancellationToken);
}

/// <summary>Either a lease or a refusal.</summary>
internal readonly record struct DeploymentEntry(DeploymentLease? Lease, DeploymentRefusal? Refusal)
{
    public static DeploymentEntry Refused(DeploymentRefusal refusal) => new(null, refusal);
}
