using Gatehouse.Configuration;
using Gatehouse.Routing;
using Gatehouse.Usage;

namespace Gatehouse.ModelCatalog;

/// <summary>
/// A model alias as <c>/api/models</c> shows it: what <c>/v1/models</c> leaves out so that strict
/// OpenAI clients can read it. <see cref="ContextWindow"/>, <see cref="MaxOutputTokens"/>,
/// <see cref="Price"/> and <see cref="Capabilities"/> are the first deployment's (the one a call
/// goes to unless its strategy picks another); each deployment shows its own.
/// </summary>
internal sealed record ModelInfo(
    string Id,
    string Kind,
    string? Description,
    IReadOnlyList<string> Endpoints,
    int? ContextWindow,
    int? MaxOutputTokens,
    ModelPriceInfo? Price,
    IReadOnlyList<string> Capabilities,
    string Strategy,
    IReadOnlyList<ModelDeploymentInfo> Deployments)
{
    private static readonly string[] ChatEndpoints = ["/v1/chat/completions", "/v1/messages"];
    private static readonly string[] EmbeddingEndpoints = ["/v1/embeddings"];

    public static ModelInfo From(ModelRoute route)
    {
        var first = route.Primary;
        return new(
            route.PublicName,
            route.Kind == ModelKind.Embedding ? "embedding" : "chat",
            route.Description,
            route.Kind == ModelKind.Embedding ? EmbeddingEndpoints : ChatEndpoints,
            first.Price?.MaxInputTokens,
            first.Price?.MaxOutputTokens,
            ModelPriceInfo.From(first.Price),
            CapabilitiesOf(route, first.Price),
            route.Strategy.ToString(),
            [.. route.Deployments.Select(ModelDeploymentInfo.From)]);
    }

    /// <summary>
    /// Published capabilities in the API's words. Every chat model streams through Gatehouse (an
    /// upstream that cannot is relayed as one event), so <c>streaming</c> is not the table's to say.
    /// </summary>
    private static string[] CapabilitiesOf(ModelRoute route, ModelPrice? price)
    {
        if (route.Kind == ModelKind.Embedding)
        {
            return [];
        }

        var flags = price?.Capabilities ?? ModelCapabilities.None;
        var names = new List<string>(6) { "streaming" };
        if (flags.HasFlag(ModelCapabilities.Tools)) names.Add("tools");
        if (flags.HasFlag(ModelCapabilities.JsonSchema)) names.Add("json_schema");
        if (flags.HasFlag(ModelCapabilities.Vision)) names.Add("vision");
        if (flags.HasFlag(ModelCapabilities.Reasoning)) names.Add("reasoning");
        if (flags.HasFlag(ModelCapabilities.PromptCaching)) names.Add("prompt_caching");
        return [.. names];
    }
}

/// <summary>One deployment behind a model: its provider, the name the upstream is sent, its price and context window.</summary>
internal sealed record ModelDeploymentInfo(string Name, string Provider, string UpstreamModel, int? ContextWindow, ModelPriceInfo? Price)
{
    public static ModelDeploymentInfo From(Deployment deployment) =>
        new(deployment.Name, deployment.Provider.Name, deployment.UpstreamModel, deployment.Price?.MaxInputTokens, ModelPriceInfo.From(deployment.Price));
}

/// <summary>USD per million tokens, as configuration writes prices; null when the deployment has no price (its calls cost 0).</summary>
internal sealed record ModelPriceInfo(decimal InputPerMillion, decimal OutputPerMillion, decimal? CachedInputPerMillion)
{
    private const decimal Million = 1_000_000m;

    public static ModelPriceInfo? From(ModelPrice? price) => price is null
        ? null
        : new(PerMillion(price.InputPerToken), PerMillion(price.OutputPerToken), price.CachedInputPerToken is { } cached ? PerMillion(cached) : null);

    // Dividing by 1.000… drops the trailing zeros the multiplication leaves (0.150000000 → 0.15).
    private static decimal PerMillion(decimal perToken) => perToken * Million / 1.0000000000000000000000000000m;
}

/// <summary>A page of <c>/api/models</c>.</summary>
internal sealed record ModelPage(IReadOnlyList<ModelInfo> Items, string? NextCursor);
