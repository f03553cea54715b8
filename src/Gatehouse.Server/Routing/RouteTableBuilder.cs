using Gatehouse.Anthropic.Upstream;
using Gatehouse.Configuration;
using Gatehouse.Providers;
using Gatehouse.Providers.Local;
using Gatehouse.Simulator;
using Gatehouse.Usage;
using Microsoft.Extensions.Options;

namespace Gatehouse.Routing;

/// <summary>Turns validated <see cref="GatehouseOptions"/> into a <see cref="RouteTable"/>: providers built, secrets resolved, prices looked up.</summary>
internal sealed partial class RouteTableBuilder(
    UpstreamClientPool clientPool,
    LocalEmbeddingModels localModels,
    PriceTable priceTable,
    ITokenCounter tokenCounter,
    TimeProvider timeProvider,
    ILogger<RouteTableBuilder> logger)
{
    private readonly GatehouseOptionsValidator _validator = new();

    /// <exception cref="OptionsValidationException">The configuration is invalid; the message names each offending key.</exception>
    public RouteTable Build(GatehouseOptions options)
    {
        var validation = _validator.Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(GatehouseOptions.SectionName, typeof(GatehouseOptions), validation.Failures);
        }

        var secrets = new List<string>();
        var providers = options.Providers.ToDictionary(p => p.Key, p => CreateProvider(p.Key, p.Value, options, secrets), StringComparer.Ordinal);
        var deployments = new Dictionary<string, Deployment>(StringComparer.Ordinal);
        foreach (var (name, deployment) in options.Deployments)
        {
            // A model that runs in process costs nothing per call unless the operator says otherwise.
            var price = deployment.Price is null && options.Providers[deployment.Provider!].Type == ProviderType.Local
                ? new ModelPrice()
                : ResolvePrice(name, deployment);
            deployments[name] = new Deployment(name, deployment.Model!, providers[deployment.Provider!], price, TimeSpan.FromSeconds(deployment.TimeoutSeconds), TimeSpan.FromSeconds(deployment.StreamIdleTimeoutSeconds), deployment.Resilience,
                deployment.FirstTokenTimeoutSeconds > 0 ? TimeSpan.FromSeconds(deployment.FirstTokenTimeoutSeconds) : null,
                deployment.RequestsPerMinute,
                deployment.MaxConcurrency,
                deployment.TokensPerMinute);
        }

        var loadedAt = timeProvider.GetUtcNow();
        var routes = options.Models.Select(m => new ModelRoute(
            m.Key,
            m.Value.Deployments.Select(d => deployments[d]).ToArray(),
            m.Value.Description,
            loadedAt,
            m.Value.Strategy,
            m.Value.Deployments.Select(d => m.Value.Weights.GetValueOrDefault(d, 1d)).ToArray(),
            m.Value.ContextWindowFallbacks.Select(d => deployments[d]).ToArray(),
            m.Value.ContentPolicyFallbacks.Select(d => deployments[d]).ToArray(),
            new RouteCachePolicy(
                m.Value.Cache.Enabled ?? options.Cache.Enabled,
                TimeSpan.FromSeconds(m.Value.Cache.TtlSeconds ?? options.Cache.TtlSeconds)),
            m.Value.Tools.Prefilter ?? options.Tools.Prefilter,
            m.Value.Kind ?? KindOfFirst(m.Value, options, deployments)));
        return new RouteTable(routes, secrets);
    }

    private static ModelKind KindOfFirst(ModelAliasOptions alias, GatehouseOptions options, Dictionary<string, Deployment> deployments)
    {
        var first = options.Deployments[alias.Deployments[0]];
        return ModelKinds.Infer(options.Providers[first.Provider!].Type, first, deployments[alias.Deployments[0]].Price);
    }

    private IModelProvider CreateProvider(string name, ProviderOptions provider, GatehouseOptions options, List<string> secrets)
    {
        var apiKey = SecretReference.Resolve(provider.ApiKey, Environment.GetEnvironmentVariable);
        var headers = provider.Headers.ToDictionary(
            h => h.Key,
            h => SecretReference.Resolve(h.Value, Environment.GetEnvironmentVariable) ?? "",
            StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(apiKey))
        {
            secrets.Add(apiKey);
        }

        // A header is a credential when it says so by name, or its value is kept out of the file (env:).
        secrets.AddRange(provider.Headers
            .Where(static h => IsCredentialHeader(h.Key) || (h.Value is { } value && SecretReference.IsEnvironmentReference(value, out _)))
            .Select(h => headers[h.Key])
            .Where(static v => v.Length > 0));

        switch (provider.Type)
        {
            case ProviderType.Simulator:
                var profiles = SimulationProfilesOf(name, options);
                var firstTokenTimeouts = FirstTokenTimeoutsOf(name, options);
                var handler = new SimulatorHandler(model => profiles.GetValueOrDefault(model), tokenCounter, timeProvider, model => firstTokenTimeouts.GetValueOrDefault(model));
                return new SimulatorProvider(name, new HttpMessageInvoker(handler));
            case ProviderType.Local:
                return new OpenAICompatibleProvider(name, new HttpMessageInvoker(new LocalModelHandler(localModels)), LocalBaseUrl, apiKey: null, headers);
            case ProviderType.Anthropic:
                var anthropic = new AnthropicProviderOptions { Version = provider.AnthropicVersion, DefaultMaxTokens = provider.DefaultMaxTokens };
                return new AnthropicProvider(name, clientPool.GetClient(provider), WithTrailingSlash(provider.BaseUrl!), apiKey, headers, anthropic, timeProvider);
            case ProviderType.AzureOpenAI:
                return new AzureOpenAIProvider(name, clientPool.GetClient(provider), WithTrailingSlash(provider.BaseUrl!), provider.ApiVersion!, apiKey, headers);
            default:
                return new OpenAICompatibleProvider(name, clientPool.GetClient(provider), WithTrailingSlash(provider.BaseUrl!), apiKey, headers);
        }
    }

    private static Dictionary<string, SimulationProfile> SimulationProfilesOf(string providerName, GatehouseOptions options)
    {
        var profiles = new Dictionary<string, SimulationProfile>(StringComparer.Ordinal);
        foreach (var deployment in options.Deployments.Values)
        {
            if (deployment.Provider == providerName)
            {
                profiles[deployment.Model!] = deployment.Simulation ?? new SimulationProfile();
            }
        }

        return profiles;
    }

    /// <summary>The simulated models' first-token timeouts (set ones only): a simulated timeout lasts as long.</summary>
    private static Dictionary<string, TimeSpan?> FirstTokenTimeoutsOf(string providerName, GatehouseOptions options)
    {
        var timeouts = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal);
        foreach (var deployment in options.Deployments.Values)
        {
            if (deployment.Provider == providerName && deployment.FirstTokenTimeoutSeconds > 0)
            {
                timeouts[deployment.Model!] = TimeSpan.FromSeconds(deployment.FirstTokenTimeoutSeconds);
            }
        }

        return timeouts;
    }

    private ModelPrice? ResolvePrice(string deploymentName, DeploymentOptions deployment)
    {
        var basis = deployment.PriceAs ?? deployment.Model!;
        priceTable.TryGet(basis, out var tablePrice);
        ModelPrice? price;
        try
        {
            price = deployment.Price is null ? tablePrice : deployment.Price.ApplyTo(tablePrice, $"{GatehouseOptions.SectionName}:Deployments:{deploymentName}:Price");
        }
        catch (InvalidOperationException ex)
        {
            throw new GatehouseConfigurationException(ex.Message, ex);
        }

        if (price is null)
        {
            LogNoPrice(deploymentName, basis);
        }

        return price;
    }

    private static readonly Uri LocalBaseUrl = new("http://local.gatehouse.internal/v1/");

    private static bool IsCredentialHeader(string name) =>
        name.Contains("auth", StringComparison.OrdinalIgnoreCase) || name.Contains("key", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase);

    private static Uri WithTrailingSlash(string url) => new(url.EndsWith('/') ? url : url + "/");

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Deployment {Deployment} has no price: '{Model}' is not in the price table and no Price is configured; its calls will cost 0.")]
    private partial void LogNoPrice(string deployment, string model);
}
