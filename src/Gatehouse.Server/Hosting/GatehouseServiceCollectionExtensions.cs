using Gatehouse.Budgets;
using Gatehouse.Caching;
using Gatehouse.Configuration;
using Gatehouse.Degradation;
using Gatehouse.Executions;
using Gatehouse.Gateway;
using Gatehouse.Health;
using Gatehouse.Keys;
using Gatehouse.Prompts;
using Gatehouse.Providers;
using Gatehouse.Providers.Local;
using Gatehouse.Records;
using Gatehouse.Resilience;
using Gatehouse.Routing;
using Gatehouse.SharedState;
using Gatehouse.Storage;
using Gatehouse.Usage;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Hosting;

internal static class GatehouseServiceCollectionExtensions
{
    /// <summary>
    /// Registers the whole gateway except its back ends, which the host chooses on the returned
    /// builder (<see cref="GatehouseBackEnds.UseConfiguredBackEnds"/> reads them from configuration).
    /// Uses <c>TryAdd</c> so tests and hosts can replace any piece first.
    /// </summary>
    public static IGatehouseBuilder AddGatehouse(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GatehouseOptions>().Configure(options => GatehouseOptionsBinder.BindInto(configuration.GetSection(GatehouseOptions.SectionName), options));
        services.AddSingleton<IOptionsChangeTokenSource<GatehouseOptions>>(new ConfigurationChangeTokenSource<GatehouseOptions>(configuration));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatehouseOptions>, GatehouseOptionsValidator>());
        services.TryAddSingleton<IOptionsFactory<GatehouseOptions>>(static sp => new LastValidOptionsFactory<GatehouseOptions>(new OptionsFactory<GatehouseOptions>(
            sp.GetServices<IConfigureOptions<GatehouseOptions>>(), sp.GetServices<IPostConfigureOptions<GatehouseOptions>>(), sp.GetServices<IValidateOptions<GatehouseOptions>>())));

        // Usage and routing
        services.TryAddSingleton(_ => PriceTable.LoadEmbedded());
        services.TryAddSingleton<ITokenCounter>(TiktokenTokenCounter.Instance);
        services.TryAddSingleton<UpstreamClientPool>();
        services.TryAddSingleton<LocalEmbeddingModels>();
        services.AddHostedService<LocalModelWarmup>();
        services.TryAddSingleton<RouteTableBuilder>();
        services.TryAddSingleton<RouteTableProvider>();
        services.TryAddSingleton<DeploymentStatsRegistry>();
        services.TryAddSingleton(static sp => new DeploymentLimiters(PolicyClock.From(sp)));
        services.TryAddSingleton<IDeploymentLimiter>(static sp => sp.GetRequiredService<DeploymentLimiters>());
        services.TryAddSingleton(static sp => new DeploymentResilienceRegistry(PolicyClock.From(sp)));
        services.TryAddSingleton(static sp => new RouteSelector(sp.GetRequiredService<DeploymentStatsRegistry>()));

        // Keys and storage
        services.TryAddSingleton(new DataDirectory(configuration.DataDirectory()));
        services.TryAddSingleton<IKeyRegistry>(static sp => new KeyRegistry(PolicyClock.From(sp)));
        services.TryAddSingleton<IUnknownKeyLookup>(NoUnknownKeyLookup.Instance);
        services.TryAddSingleton<KeyAuthenticator>();
        services.TryAddSingleton<KeyService>();
        services.TryAddSingleton<MasterKeyInitializer>();
        services.TryAddSingleton<GatehouseInitializer>();

        // Shared state: changes announced to the other replicas (none in process; Redis pub/sub when
        // shared state is on), each notice reloaded from the store, and a periodic full reload.
        services.TryAddSingleton<IStateChangeBus, InProcessStateChangeBus>();
        services.TryAddSingleton<StateSync>();
        services.TryAddSingleton<StateReloader>();
        services.AddHostedService<StateReloadService>();

        // Records
        services.TryAddSingleton<RequestRecordWriter>();
        services.AddHostedService(static sp => sp.GetRequiredService<RequestRecordWriter>());
        services.AddHostedService<Records.Journal.RecordJournalSync>();
        services.TryAddSingleton<GatehouseTelemetry>();

        // Response cache: HybridCache stores answers (in process, plus any IDistributedCache a host registers).
        services.AddHybridCache().AddSerializer<CachedAnswer, CachedAnswerSerializer>();
        services.AddOptions<HybridCacheOptions>().Configure<IOptions<GatehouseOptions>>(static (cache, gatehouse) =>
        {
            cache.MaximumPayloadBytes = gatehouse.Value.Cache.MaxEntryKilobytes * 1024L;
            cache.MaximumKeyLength = 128;
        });
        services.AddOptions<MemoryCacheOptions>().Configure<IOptions<GatehouseOptions>>(static (memory, gatehouse) =>
            memory.SizeLimit = gatehouse.Value.Cache.MaxMemoryMegabytes * 1024L * 1024L);
        services.TryAddSingleton(static sp => new ResponseCache(sp.GetRequiredService<HybridCache>(), sp.GetRequiredService<IStateChangeBus>(), PolicyClock.From(sp)));
        services.TryAddSingleton<IInFlightAnswers, InFlightAnswers>();
        services.TryAddSingleton<CacheCounters>();

        services.TryAddSingleton(static sp => ActivatorUtilities.CreateInstance<DegradationState>(sp, PolicyClock.From(sp)));

        // Budgets: the in-memory ledger admits, the writer saves spend behind it, alerts go to the webhook.
        services.TryAddSingleton(static sp => new BudgetLedger(PolicyClock.From(sp)));
        services.TryAddSingleton<IBudgetAdmission>(static sp => sp.GetRequiredService<BudgetLedger>());
        services.TryAddSingleton<BudgetSettings>();
        services.TryAddSingleton<BudgetService>();
        services.TryAddSingleton<BudgetReconciler>();
        services.TryAddSingleton<WorstCaseCost>();
        services.TryAddSingleton<BudgetSpendWriter>();
        services.AddHostedService(static sp => sp.GetRequiredService<BudgetSpendWriter>());
        services.TryAddSingleton(static sp => ActivatorUtilities.CreateInstance<BudgetAlertSender>(sp, PolicyClock.From(sp)));
        services.AddHostedService(static sp => sp.GetRequiredService<BudgetAlertSender>());

        // After the alert sender and spend writer: hosted services stop in reverse, so settlements in flight land first.
        services.TryAddSingleton<BudgetSettlements>();
        services.AddHostedService(static sp => sp.GetRequiredService<BudgetSettlements>());
        services.AddHttpClient(BudgetAlertSender.HttpClientName, static client => client.Timeout = TimeSpan.FromSeconds(10));

        // Prompts: stored versions, rendered before any model is called, templates compiled once per version.
        services.TryAddSingleton<PromptTemplateCache>();
        services.TryAddSingleton<PromptRenderer>();
        services.TryAddSingleton<PromptCatalog>();
        services.TryAddSingleton<PromptService>();
        services.TryAddSingleton<PromptImporter>();
        services.TryAddSingleton<PromptInitializer>();

        // The request path, outermost stage first.
        services.TryAddSingleton<UsageMeter>();
        services.TryAddSingleton<SecretScrubber>();
        services.TryAddSingleton<ResponseRelay>();
        services.TryAddSingleton<StreamRelay>();
        services.TryAddSingleton<AuthenticationStage>();
        services.TryAddSingleton<RecordingStage>();
        services.TryAddSingleton<RequestReadingStage>();
        services.TryAddSingleton<ModelAccessStage>();
        services.TryAddSingleton(static sp => new KeyRateLimiters(PolicyClock.From(sp)));
        services.TryAddSingleton<IKeyRateLimiter>(static sp => sp.GetRequiredService<KeyRateLimiters>());
        services.TryAddSingleton<RateLimitStage>();
        services.TryAddSingleton<ResponseCacheStage>();
        services.TryAddSingleton<DegradationStage>();
        services.TryAddSingleton<Tools.ToolProfileCache>();
        services.TryAddSingleton<Tools.ToolPrefilter>();
        services.TryAddSingleton<Tools.ToolEmbeddingCache>();
        services.TryAddSingleton<Tools.ToolEmbedder>();
        services.TryAddSingleton<ToolPrefilterStage>();
        services.TryAddSingleton<BudgetStage>();
        services.TryAddSingleton<ForwardingStage>();
        services.TryAddSingleton(static sp => new GatewayPipeline(
            [
                sp.GetRequiredService<AuthenticationStage>(),
                sp.GetRequiredService<RecordingStage>(),
                sp.GetRequiredService<RequestReadingStage>(),
                sp.GetRequiredService<ModelAccessStage>(),
                sp.GetRequiredService<RateLimitStage>(),
                sp.GetRequiredService<ResponseCacheStage>(),
                sp.GetRequiredService<DegradationStage>(),

                // After the cache (a hit is never filtered, the stored answer is the final one) and before
                // the budget, so each round of a search re-issue reserves and settles its own cost.
                sp.GetRequiredService<ToolPrefilterStage>(),

                // Right before forwarding: only calls that will reach an upstream reserve budget.
                sp.GetRequiredService<BudgetStage>(),
                sp.GetRequiredService<ForwardingStage>(),
            ],
            sp.GetRequiredService<TimeProvider>()));

        // Above the pipeline, calling it in process as a client would: prompt executions.
        services.TryAddSingleton<PipelineClient>();
        services.TryAddSingleton<ExecutionRecorder>();
        services.TryAddSingleton<ExecutionEngine>();

        services.AddProblemDetails();
        services.AddExceptionHandler<GatehouseExceptionHandler>();
        services.AddSingleton<IProblemDetailsWriter, ApiProblemDetailsWriter>(); // after the framework's: /api errors are JSON whatever Accept says

        // What the /api binder cannot read is thrown (in every environment, not only Development), so
        // ApiRequestBinding can say what was wrong instead of an empty 400; it is the client's error,
        // not logged as one. /v1 endpoints bind nothing.
        services.PostConfigure<RouteHandlerOptions>(static options => options.ThrowOnBadRequest = true);
        services.Configure<ExceptionHandlerOptions>(static options =>
            options.SuppressDiagnosticsCallback = static context => context.Exception is BadHttpRequestException);
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<GatehouseOptions>>(static (kestrel, gatehouse) => RequestLimits.ConfigureKestrel(kestrel.Limits, gatehouse.Value));
        services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, GatehouseApiJsonContext.Default));
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [DatabaseHealthCheck.ReadyTag])
            .AddCheck<RecordsHealthCheck>("records", tags: [DatabaseHealthCheck.ReadyTag]);
        return new GatehouseBuilder(services, configuration);
    }
}
