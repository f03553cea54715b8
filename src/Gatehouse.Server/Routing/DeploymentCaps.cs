namespace Gatehouse.Routing;

/// <summary>A deployment's own caps (0 = none), apart from the deployment so a replica can apply a share of them.</summary>
internal readonly record struct DeploymentCaps(string Name, int MaxConcurrency, int TokensPerMinute, int RequestsPerMinute)
{
    public static DeploymentCaps Of(Deployment deployment) =>
        new(deployment.Name, deployment.MaxConcurrency, deployment.TokensPerMinute, deployment.RequestsPerMinute);

    /// <summary>Each cap divided by <paramref name="replicas"/>, at least 1 where there was a cap.</summary>
    public DeploymentCaps Share(int replicas) => replicas <= 1
        ? this
        : new(Name, Divide(MaxConcurrency, replicas), Divide(TokensPerMinute, replicas), Divide(RequestsPerMinute, replicas));

    private static int Divide(int cap, int replicas) => cap == 0 ? 0 : Math.Max(1, cap / replicas);
}
