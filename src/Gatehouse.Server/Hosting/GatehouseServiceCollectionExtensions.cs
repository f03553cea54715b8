using Gatehouse.Budgets;
using Gatehouse.Configuration;
using Gatehouse.Gateway;
using Gatehouse.Health;
using Gatehouse.Keys;
using Gatehouse.Providers;
using Gatehouse.Records;
using Gatehouse.Resilience;
using Gatehouse.Routing;
using Gatehouse.Storage;
using Gatehouse.Usage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Hosting;

internal static class GatehouseServiceCollectionExtensions
{
    /// <summary>Registers the whole gateway. Uses <c>TryAdd</c> so tests and hosts can replace any piece first.</summary>
    public static IServiceCollection AddGatehouse(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GatehouseOptions>().Configure(options => GatehouseOptionsBinder.BindInto(configuration.GetSection(GatehouseOptions.SectionName), options));
        services.AddSingleton<IOptionsChangeTokenSource<GatehouseOptions>>(new ConfigurationChangeTokenSource<GatehouseOptions>(configuration));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatehouseOptions>, GatehouseOptionsValidator>());

        // Usage and routing
        services.TryAddSingleton(_ => PriceTable.LoadEmbedded());
        services.TryAddSingleton<ITokenCounter>(TiktokenTokenCounter.Instance);
        services.TryAddSingleton<UpstreamClientPool>();
        services.TryAddSingleton<RouteTableBuilder>();
        services.TryAddSingleton<RouteTableProvider>();
        services.TryAddSingleton<DeploymentStatsRegistry>();
        services.TryAddSingleton<DeploymentLimiters>();
        services.TryAddSingleton(static sp => new DeploymentResilienceRegistry(
            sp.GetKeyedService<TimeProvider>(DeploymentResilienceRegistry.TimeProviderKey) ?? sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static sp => new RouteSelector(sp.GetRequiredService<DeploymentStatsRegistry>()));

        // Keys and storage
        services.AddSqliteStorage(Path.Combine(configuration.DataDirectory(), "gatehouse.db"));
        services.TryAddSingleton<KeyRegistry>();
        services.TryAddSingleton<KeyService>();
        services.TryAddSingleton<MasterKeyInitializer>();
        services.TryAddSingleton<GatehouseInitializer>();

        // Records
        services.TryAddSingleton<RequestRecordWriter>();
        services.AddHostedService(static sp => sp.GetRequiredService<RequestRecordWriter>());
        services.TryAddSingleton<GatehouseTelemetry>();

        // Budgets: the in-memory ledger admits, the writer saves spend behind it, alerts go to the webhook.
        services.TryAddSingleton(static sp => new BudgetLedger(BudgetClock(sp)));
        services.TryAddSingleton<BudgetSettings>();
        services.TryAddSingleton<BudgetService>();
        services.TryAddSingleton<WorstCaseCost>();
        services.TryAddSingleton<BudgetSpendWriter>();
        services.AddHostedService(static sp => sp.GetRequiredService<BudgetSpendWriter>());
        services.TryAddSingleton(static sp => ActivatorUtilities.CreateInstance<BudgetAlertSender>(sp, BudgetClock(sp)));
        services.AddHostedService(static sp => sp.GetRequiredService<BudgetAlertSender>());
        services.AddHttpClient(BudgetAlertSender.HttpClientName, static client => client.Timeout = TimeSpan.FromSeconds(10));

        // The request path, outermost stage first.
        services.TryAddSingleton<UsageMeter>();
        services.TryAddSingleton<ResponseRelay>();
        services.TryAddSingleton<StreamRelay>();
        services.TryAddSingleton<AuthenticationStage>();
        services.TryAddSingleton<RecordingStage>();
        services.TryAddSingleton<RequestReadingStage>();
        services.TryAddSingleton<ModelAccessStage>();
        services.TryAddSingleton<KeyRateLimiters>();
        services.TryAddSingleton<RateLimitStage>();
        services.TryAddSingleton<BudgetStage>();
        services.TryAddSingleton<ForwardingStage>();
        services.TryAddSingleton(static sp => new GatewayPipeline(
            [
                sp.GetRequiredService<AuthenticationStage>(),
                sp.GetRequiredService<RecordingStage>(),
                sp.GetRequiredService<RequestReadingStage>(),
                sp.GetRequiredService<ModelAccessStage>(),
                sp.GetRequiredService<RateLimitStage>(),

                // Right before forwarding: only calls that will reach an upstream reserve budget.
                sp.GetRequiredService<BudgetStage>(),
                sp.GetRequiredService<ForwardingStage>(),
            ],
            sp.GetRequiredService<TimeProvider>()));

        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, GatehouseApiJsonContext.Default));
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [DatabaseHealthCheck.ReadyTag]);
        return services;
    }

    /// <summary>Budget periods and alert retries run on their own clock when one is registered (tests: a FakeTimeProvider).</summary>
    private static TimeProvider BudgetClock(IServiceProvider services) =>
        services.GetKeyedService<TimeProvider>(BudgetLedger.TimeProviderKey) ?? services.GetRequiredService<TimeProvider>();
}
