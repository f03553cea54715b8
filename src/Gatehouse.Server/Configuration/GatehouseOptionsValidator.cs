using Microsoft.Extensions.Options;

namespace Gatehouse.Configuration;

/// <summary>
/// Cross-field checks for <see cref="GatehouseOptions"/>. Every failure names the configuration key
/// to fix (<c>Gatehouse:Deployments:x:Provider</c>), because that is what an operator can act on.
/// </summary>
internal sealed class GatehouseOptionsValidator(Func<string, string?> readEnvironment) : IValidateOptions<GatehouseOptions>
{
    public GatehouseOptionsValidator()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    public ValidateOptionsResult Validate(string? name, GatehouseOptions options)
    {
        var failures = new List<string>();
        const string root = GatehouseOptions.SectionName;

        foreach (var (providerName, provider) in options.Providers)
        {
            var key = $"{root}:Providers:{providerName}";
            if (provider.Type is not (ProviderType.Simulator or ProviderType.Local))
            {
                if (string.IsNullOrWhiteSpace(provider.BaseUrl))
                {
                    failures.Add($"{key}:BaseUrl is required for a provider of type {provider.Type}.");
                }
                else if (!Uri.TryCreate(provider.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    failures.Add($"{key}:BaseUrl '{provider.BaseUrl}' is not an absolute http(s) URL.");
                }
            }

            if (provider.Type == ProviderType.AzureOpenAI && string.IsNullOrWhiteSpace(provider.ApiVersion))
            {
                failures.Add($"{key}:ApiVersion is required for Azure OpenAI (e.g. 2024-10-21).");
            }

            if (provider.Type == ProviderType.Anthropic && provider.DefaultMaxTokens < 1)
            {
                failures.Add($"{key}:DefaultMaxTokens must be at least 1.");
            }

            CheckSecret(failures, $"{key}:ApiKey", provider.ApiKey);
            foreach (var (header, value) in provider.Headers)
            {
                CheckSecret(failures, $"{key}:Headers:{header}", value);
            }

            if (provider.MaxConnections < 1)
            {
                failures.Add($"{key}:MaxConnections must be at least 1.");
            }
        }

        foreach (var (deploymentName, deployment) in options.Deployments)
        {
            var key = $"{root}:Deployments:{deploymentName}";
            if (string.IsNullOrWhiteSpace(deployment.Provider))
            {
                failures.Add($"{key}:Provider is required.");
            }
            else if (!options.Providers.TryGetValue(deployment.Provider, out var provider))
            {
                failures.Add($"{key}:Provider '{deployment.Provider}' is not defined under {root}:Providers.");
            }
            else if (deployment.Simulation is not null && provider.Type != ProviderType.Simulator)
            {
                failures.Add($"{key}:Simulation is only valid for a deployment of a Simulator provider.");
            }
            else if (provider.Type == ProviderType.Local && !string.IsNullOrWhiteSpace(deployment.Model) && !Providers.Local.LocalEmbeddingModels.IsKnown(deployment.Model))
            {
                failures.Add($"{key}:Model '{deployment.Model}' is not a model that runs in process; a Local provider serves {string.Join(", ", Providers.Local.LocalEmbeddingModels.Known)}.");
            }

            if (string.IsNullOrWhiteSpace(deployment.Model))
            {
                failures.Add($"{key}:Model is required (the model name the upstream expects).");
            }

            if (deployment.Simulation is { } simulation)
            {
                ValidateSimulation(simulation, $"{key}:Simulation", failures);
            }

            if (deployment.TimeoutSeconds <= 0)
            {
                failures.Add($"{key}:TimeoutSeconds must be positive.");
            }

            var resilience = deployment.Resilience;
            if (resilience.Retries is < 0 or > 10)
            {
                failures.Add($"{key}:Resilience:Retries must be between 0 and 10.");
            }

            if (resilience.RetryDelaySeconds <= 0 || resilience.MaxRetryAfterSeconds < 0)
            {
                failures.Add($"{key}:Resilience:RetryDelaySeconds must be positive and MaxRetryAfterSeconds not negative.");
            }

            if (resilience.BreakerFailureRatio is < 0 or > 1)
            {
                failures.Add($"{key}:Resilience:BreakerFailureRatio must be between 0 (off) and 1.");
            }

            if (resilience.BreakerFailureRatio > 0 && (resilience.BreakerMinimumThroughput < 2 || resilience.BreakerSamplingSeconds < 0.5 || resilience.BreakerBreakSeconds < 0.5))
            {
                failures.Add($"{key}:Resilience: BreakerMinimumThroughput must be at least 2, BreakerSamplingSeconds and BreakerBreakSeconds at least 0.5.");
            }

            if (deployment.RequestsPerMinute < 0 || deployment.MaxConcurrency < 0)
            {
                failures.Add($"{key}:RequestsPerMinute and {key}:MaxConcurrency must be 0 (unlimited) or positive.");
            }

            if (deployment.TokensPerMinute < 0)
            {
                failures.Add($"{key}:TokensPerMinute must be 0 (unlimited) or positive.");
            }

            if (deployment.FirstTokenTimeoutSeconds < 0)
            {
                failures.Add($"{key}:FirstTokenTimeoutSeconds must be 0 (off) or positive.");
            }

            if (deployment.StreamIdleTimeoutSeconds <= 0)
            {
                failures.Add($"{key}:StreamIdleTimeoutSeconds must be positive.");
            }
        }

        foreach (var (alias, model) in options.Models)
        {
            var key = $"{root}:Models:{alias}";
            if (model.Deployments.Count == 0)
            {
                failures.Add($"{key}:Deployments must list at least one deployment.");
            }

            foreach (var (weighted, weight) in model.Weights)
            {
                if (!model.Deployments.Contains(weighted))
                {
                    failures.Add($"{key}:Weights:{weighted} names a deployment that is not in {key}:Deployments.");
                }
                else if (weight < 0 || double.IsNaN(weight) || double.IsInfinity(weight))
                {
                    failures.Add($"{key}:Weights:{weighted} must be zero or positive.");
                }
            }

            if (model.Strategy == RoutingStrategy.Weighted && model.Deployments.Count > 0 && model.Deployments.All(d => model.Weights.TryGetValue(d, out var w) && w == 0))
            {
                failures.Add($"{key}:Weights gives every deployment weight 0; at least one must be positive.");
            }

            foreach (var (chainName, chain) in new[] { ("ContextWindowFallbacks", model.ContextWindowFallbacks), ("ContentPolicyFallbacks", model.ContentPolicyFallbacks) })
            {
                for (var i = 0; i < chain.Count; i++)
                {
                    if (!options.Deployments.ContainsKey(chain[i]))
                    {
                        failures.Add($"{key}:{chainName}:{i} '{chain[i]}' is not defined under {root}:Deployments.");
                    }
                }
            }

            if (model.Cache.TtlSeconds is { } aliasTtl && (aliasTtl < 1 || aliasTtl > options.Cache.MaxTtlSeconds))
            {
                failures.Add($"{key}:Cache:TtlSeconds must be between 1 and {root}:Cache:MaxTtlSeconds ({options.Cache.MaxTtlSeconds}).");
            }

            for (var i = 0; i < model.Deployments.Count; i++)
            {
                if (!options.Deployments.ContainsKey(model.Deployments[i]))
                {
                    failures.Add($"{key}:Deployments:{i} '{model.Deployments[i]}' is not defined under {root}:Deployments.");
                }
            }
        }

        var cache = options.Cache;
        if (cache.TtlSeconds < 1 || cache.MaxTtlSeconds < cache.TtlSeconds)
        {
            failures.Add($"{root}:Cache:TtlSeconds must be at least 1 and {root}:Cache:MaxTtlSeconds at least as large.");
        }

        if (cache.MaxEntryKilobytes < 1 || cache.MaxMemoryMegabytes < 1 || cache.MaxEntryKilobytes > cache.MaxMemoryMegabytes * 1024L)
        {
            failures.Add($"{root}:Cache:MaxEntryKilobytes and MaxMemoryMegabytes must be positive, and an entry no larger than the memory.");
        }

        var degradation = options.Degradation;
        if (!(degradation.DegradedAt > 0 && degradation.DegradedAt <= degradation.BasicAt && degradation.BasicAt <= degradation.EmergencyAt && degradation.EmergencyAt <= 1))
        {
            failures.Add($"{root}:Degradation: need 0 < DegradedAt <= BasicAt <= EmergencyAt <= 1 (shares of deployments out of rotation).");
        }

        if (options.SharedState.ReloadSeconds is < 0 or > 86_400)
        {
            failures.Add($"{root}:SharedState:ReloadSeconds must be between 0 (off) and 86400.");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 1024 * 1024 * 1024)
        {
            failures.Add($"{root}:MaxRequestBodyBytes must be between 1024 and 1073741824 (1 GiB; a body is held in memory while its call runs).");
        }

        if (options.MaxRequestHeadersBytes is < 1024 or > 1024 * 1024)
        {
            failures.Add($"{root}:MaxRequestHeadersBytes must be between 1024 and 1048576 (1 MiB).");
        }

        if (options.MaxRequestHeaderCount is < 10 or > 10_000)
        {
            failures.Add($"{root}:MaxRequestHeaderCount must be between 10 and 10000.");
        }

        if (options.RecordQueueCapacity < 1)
        {
            failures.Add($"{root}:RecordQueueCapacity must be at least 1.");
        }

        if (options.Records.JournalSyncMilliseconds is < 0 or > 60_000)
        {
            failures.Add($"{root}:Records:JournalSyncMilliseconds must be between 0 (flush every record) and 60000.");
        }

        if (options.MaxRequestedRetries is < 0 or > 10)
        {
            failures.Add($"{root}:MaxRequestedRetries must be between 0 and 10.");
        }

        if (options.Storage.PostgreSql.RecordRetentionDays is < 0 or > 36_500)
        {
            failures.Add($"{root}:Storage:PostgreSql:RecordRetentionDays must be between 0 (keep every record) and 36500.");
        }

        if (options.Storage.PostgreSql.PartitionDaysAhead is < 1 or > 31)
        {
            failures.Add($"{root}:Storage:PostgreSql:PartitionDaysAhead must be between 1 and 31.");
        }

        ValidateBudgets(failures, options.Budgets, $"{root}:Budgets");
        ToolOptionsValidation.Validate(failures, options, $"{root}:Tools");
        CheckRedis(failures, options.Redis);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateBudgets(List<string> failures, BudgetOptions budgets, string key)
    {
        if (budgets.WebhookUrl is { } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{key}:WebhookUrl '{url}' is not an absolute http(s) URL.");
        }

        foreach (var (header, value) in budgets.WebhookHeaders)
        {
            CheckSecret(failures, $"{key}:WebhookHeaders:{header}", value);
        }

        if (budgets.WebhookHeaders.Count > 0 && budgets.WebhookUrl is null)
        {
            failures.Add($"{key}:WebhookHeaders is set but {key}:WebhookUrl is not.");
        }

        if (budgets.DefaultMaxOutputTokens < 1)
        {
            failures.Add($"{key}:DefaultMaxOutputTokens must be at least 1.");
        }
    }

    private void CheckSecret(List<string> failures, string key, string? value)
    {
        if (value is not null && SecretReference.IsEnvironmentReference(value, out var variable) && readEnvironment(variable) is null)
        {
            failures.Add($"{key} references environment variable '{variable}', which is not set.");
        }
    }

    /// <summary>
    /// A simulated model's sizes, bounded so no profile lets one request allocate without limit:
    /// answers are sized by <c>DefaultMaxOutputTokens</c> (times <c>n</c>, at most 128) and vectors by
    /// <c>EmbeddingDimensions</c>.
    /// </summary>
    private static void CheckRedis(List<string> failures, RedisOptions redis)
    {
        const string key = GatehouseOptions.SectionName + ":Redis";
        if (string.IsNullOrEmpty(redis.KeyPrefix) || redis.KeyPrefix.Any(char.IsWhiteSpace))
        {
            failures.Add($"{key}:KeyPrefix must be non-empty and contain no spaces.");
        }

        if (redis.ConnectTimeoutMilliseconds is < 100 or > 60_000)
        {
            failures.Add($"{key}:ConnectTimeoutMilliseconds must be between 100 and 60000.");
        }

        if (redis.HeartbeatSeconds is < 1 or > 3600)
        {
            failures.Add($"{key}:HeartbeatSeconds must be between 1 and 3600.");
        }

        if (redis.ReservationTimeoutSeconds is < 10 or > 86_400)
        {
            failures.Add($"{key}:ReservationTimeoutSeconds must be between 10 and 86400.");
        }
    }

    private static void ValidateSimulation(Simulator.SimulationProfile simulation, string key, List<string> failures)
    {
        if (simulation.EmbeddingDimensions is < 1 or > MaxSimulatedEmbeddingDimensions)
        {
            failures.Add($"{key}:EmbeddingDimensions must be between 1 and {MaxSimulatedEmbeddingDimensions}.");
        }

        if (simulation.MaxOutputTokens is < 1 or > MaxSimulatedOutputTokens)
        {
            failures.Add($"{key}:MaxOutputTokens must be between 1 and {MaxSimulatedOutputTokens}.");
        }

        if (simulation.DefaultMaxOutputTokens is < 1 or > MaxSimulatedDefaultOutputTokens)
        {
            failures.Add($"{key}:DefaultMaxOutputTokens must be between 1 and {MaxSimulatedDefaultOutputTokens}.");
        }
    }

    private const int MaxSimulatedEmbeddingDimensions = 8192;
    private const int MaxSimulatedOutputTokens = 1_000_000;
    private const int MaxSimulatedDefaultOutputTokens = 32_768;
}
