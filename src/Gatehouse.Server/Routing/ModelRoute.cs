namespace Gatehouse.Routing;

/// <summary>A public model name and the deployments that can serve it, in priority order.</summary>
internal sealed record ModelRoute(string PublicName, IReadOnlyList<Deployment> Deployments, string? Description, DateTimeOffset LoadedAt)
{
    /// <summary>The deployment this version of the gateway sends calls to; routing strategies and fallback come later.</summary>
    public Deployment Primary => Deployments[0];
}
