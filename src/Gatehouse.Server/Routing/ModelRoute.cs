using Gatehouse.Configuration;

namespace Gatehouse.Routing;

/// <summary>A public model name and the deployments that can serve it, in priority order.</summary>
internal sealed record ModelRoute(
    string PublicName,
    IReadOnlyList<Deployment> Deployments,
    string? Description,
    DateTimeOffset LoadedAt,
    RoutingStrategy Strategy = RoutingStrategy.Ordered,
    IReadOnlyList<double>? Weights = null,
    IReadOnlyList<Deployment>? ContextWindowFallbacks = null,
    IReadOnlyList<Deployment>? ContentPolicyFallbacks = null,
    RouteCachePolicy? Cache = null,
    bool ToolPrefilter = false,
    ModelKind Kind = ModelKind.Chat)
{
    /// <summary>The first choice; <c>/v1/models</c> names its provider as the owner.</summary>
    public Deployment Primary => Deployments[0];

    /// <summary>The endpoint a client calls this model on, for errors that send it there.</summary>
    public string ServedPaths => Kind == ModelKind.Embedding ? "/v1/embeddings" : "/v1/chat/completions, /v1/responses or /v1/messages";
}
