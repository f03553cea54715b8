using Gatehouse.Configuration;

namespace Gatehouse.Providers.Local;

/// <summary>What a model alias resolves to in configuration: the provider type and upstream model of each of its deployments.</summary>
internal static class AliasDeployments
{
    /// <summary>Empty when the alias is unset or unknown; deployments whose provider is missing are skipped (validation reports those).</summary>
    public static IReadOnlyList<(ProviderType Type, string Model)> Of(GatehouseOptions options, string? alias)
    {
        if (alias is null || !options.Models.TryGetValue(alias, out var route))
        {
            return [];
        }

        return [.. route.Deployments
            .Select(name => options.Deployments.GetValueOrDefault(name))
            .Where(d => d?.Provider is not null && d.Model is not null && options.Providers.ContainsKey(d.Provider))
            .Select(d => (options.Providers[d!.Provider!].Type, d.Model!))];
    }
}
