namespace Gatehouse.Configuration;

/// <summary>
/// Binds the <c>Gatehouse</c> section strictly. The stock binder silently drops a dictionary entry
/// whose value fails to convert (then a later check blames the wrong key) and ignores misspelt
/// keys; here both fail with the full key path, e.g. <c>Gatehouse:Deployments:x:TimeoutSeconds</c>.
/// </summary>
internal static class GatehouseOptionsBinder
{
    private static readonly Action<BinderOptions> Strict = static o => o.ErrorOnUnknownConfiguration = true;

    /// <exception cref="GatehouseConfigurationException">A value does not convert, or a key is unknown; the message names it.</exception>
    public static GatehouseOptions Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection(GatehouseOptions.SectionName);
        var options = new GatehouseOptions();
        BindInto(section, options);
        return options;
    }

    public static void BindInto(IConfigurationSection section, GatehouseOptions options)
    {
        foreach (var child in section.GetChildren())
        {
            switch (child.Key)
            {
                case nameof(GatehouseOptions.Providers):
                    BindEntries(child, options.Providers);
                    break;
                case nameof(GatehouseOptions.Deployments):
                    BindEntries(child, options.Deployments);
                    break;
                case nameof(GatehouseOptions.Models):
                    BindEntries(child, options.Models);
                    break;
                case nameof(GatehouseOptions.Cache):
                    Guarded(child, c =>
                    {
                        c.Bind(options.Cache, Strict);
                        return options.Cache;
                    });
                    break;
                case nameof(GatehouseOptions.Degradation):
                    Guarded(child, c =>
                    {
                        c.Bind(options.Degradation, Strict);
                        return options.Degradation;
                    });
                    break;
                case nameof(GatehouseOptions.MaxRequestBodyBytes):
                    options.MaxRequestBodyBytes = Guarded(child, static c => c.Get<long>(Strict));
                    break;
                case nameof(GatehouseOptions.MaxRequestHeadersBytes):
                    options.MaxRequestHeadersBytes = Guarded(child, static c => c.Get<int>(Strict));
                    break;
                case nameof(GatehouseOptions.MaxRequestHeaderCount):
                    options.MaxRequestHeaderCount = Guarded(child, static c => c.Get<int>(Strict));
                    break;
                case nameof(GatehouseOptions.RecordQueueCapacity):
                    options.RecordQueueCapacity = Guarded(child, static c => c.Get<int>(Strict));
                    break;
                case nameof(GatehouseOptions.Records):
                    Guarded(child, c =>
                    {
                        c.Bind(options.Records, Strict);
                        return options.Records;
                    });
                    break;
                case nameof(GatehouseOptions.MaxRequestedRetries):
                    options.MaxRequestedRetries = Guarded(child, static c => c.Get<int>(Strict));
                    break;
                case nameof(GatehouseOptions.Budgets):
                    Guarded(child, c =>
                    {
                        c.Bind(options.Budgets, Strict);
                        return options.Budgets;
                    });
                    break;
                case nameof(GatehouseOptions.Tools):
                    Guarded(child, c =>
                    {
                        c.Bind(options.Tools, Strict);
                        return options.Tools;
                    });
                    break;
                case nameof(GatehouseOptions.Redis):
                    Guarded(child, c =>
                    {
                        c.Bind(options.Redis, Strict);
                        return options.Redis;
                    });
                    break;
                case nameof(GatehouseOptions.Prompts):
                    Guarded(child, c =>
                    {
                        c.Bind(options.Prompts, Strict);
                        return options.Prompts;
                    });
                    break;
                case nameof(GatehouseOptions.Storage):
                    Guarded(child, c =>
                    {
                        c.Bind(options.Storage, Strict);
                        return options.Storage;
                    });
                    break;
                case nameof(GatehouseOptions.SharedState):
                    Guarded(child, c =>
                    {
                        c.Bind(options.SharedState, Strict);
                        return options.SharedState;
                    });
                    break;
                default:
                    throw new GatehouseConfigurationException($"'{child.Path}' is not a Gatehouse setting.");
            }
        }
    }

    private static void BindEntries<T>(IConfigurationSection section, Dictionary<string, T> target)
        where T : class, new()
    {
        foreach (var entry in section.GetChildren())
        {
            var value = target.TryGetValue(entry.Key, out var existing) ? existing : new T();
            Guarded(entry, e =>
            {
                e.Bind(value, Strict);
                return value;
            });
            target[entry.Key] = value;
        }
    }

    private static T Guarded<T>(IConfigurationSection section, Func<IConfigurationSection, T> bind)
    {
        try
        {
            return bind(section);
        }
        catch (InvalidOperationException ex) when (ex is not GatehouseConfigurationException)
        {
            throw new GatehouseConfigurationException($"Invalid configuration under '{section.Path}': {ex.Message}", ex);
        }
    }
}
