using Gatehouse.Configuration;
using Gatehouse.Usage;

namespace Gatehouse.Routing;

/// <summary>
/// What an alias serves when its configuration does not say (<c>Kind</c>): what its first deployment
/// is known to be. A model that runs in process is an embedding model; otherwise the price table's
/// <c>mode</c> decides; a model the table does not know is an embedding model when its name says so
/// (<c>nomic-embed-text</c>, <c>bge-m3-embedding</c>), else a chat model.
/// </summary>
internal static class ModelKinds
{
    public static ModelKind Infer(ProviderType provider, DeploymentOptions deployment, ModelPrice? price)
    {
        if (provider == ProviderType.Local)
        {
            return ModelKind.Embedding;
        }

        if (price?.Mode is { } mode)
        {
            return mode == "embedding" ? ModelKind.Embedding : ModelKind.Chat;
        }

        return NamesEmbedding(deployment.Model) || NamesEmbedding(deployment.PriceAs) ? ModelKind.Embedding : ModelKind.Chat;
    }

    private static bool NamesEmbedding(string? model) => model?.Contains("embed", StringComparison.OrdinalIgnoreCase) == true;
}
