using Gatehouse.Budgets;
using Gatehouse.Keys;
using Gatehouse.Routing;
using Gatehouse.Storage;

namespace Gatehouse.Hosting;

/// <summary>
/// Everything that must be true before the first request: configuration valid, database migrated,
/// the records an earlier run left in the journal stored, keys and budgets (with their spend
/// reconciled from the records) loaded into memory, prompt files and demo prompts
/// loaded, admin key set. Runs before Kestrel starts listening.
/// </summary>
internal sealed partial class GatehouseInitializer(
    RouteTableProvider routes,
    IDatabaseMigrator migrator,
    IKeyStore keyStore,
    IKeyRegistry keyRegistry,
    MasterKeyInitializer masterKey,
    IBudgetStore budgetStore,
    BudgetLedger budgetLedger,
    BudgetReconciler budgetReconciler,
    Records.RequestRecordWriter records,
    GatehouseTelemetry telemetry,
    Degradation.DegradationState degradation,
    Prompts.PromptInitializer prompts,
    ConfigurationFile configurationFile,
    DataDirectory dataDirectory,
    ILogger<GatehouseInitializer> logger)
{
    public async Task InitializeAsync(TextWriter console, CancellationToken cancellationToken)
    {
        _ = telemetry; // created here so its instruments exist from the start
        LogFiles();
        LogRoutes(routes.Current.Routes.Count);
        await migrator.MigrateAsync(cancellationToken);

        // Before anything reads history or budgets: the records an earlier run journaled but did not store.
        await records.RecoverAsync(cancellationToken);
        var keys = await keyStore.ListAsync(cancellationToken);
        keyRegistry.Load(keys);
        LogKeys(keys.Count);
        var budgets = await budgetStore.ListAsync(cancellationToken);
        var (spend, corrected) = await budgetReconciler.ReconcileAsync(budgets, await budgetStore.ListLatestSpendAsync(cancellationToken), budgetLedger.Now, cancellationToken);
        budgetLedger.Load(budgets, spend);
        budgetLedger.MarkUnsaved(corrected);
        LogBudgets(budgets.Count);
        await prompts.InitializeAsync(cancellationToken);
        await masterKey.InitializeAsync(console, cancellationToken);
        await degradation.LoadAsync(cancellationToken);
        if (degradation.Current is { Source: "operator" } pinned)
        {
            LogPinnedLevel(pinned.Level, pinned.Reason);
        }
    }

    /// <summary>Where the configuration and the data are, first thing: a newcomer's first question when a setting seems ignored.</summary>
    private void LogFiles()
    {
        if (configurationFile.Exists)
        {
            LogConfigurationFile(configurationFile.Path);
        }
        else
        {
            LogNoConfigurationFile(configurationFile.Path, GatehouseConfiguration.ConfigFileVariable);
        }

        foreach (var unread in configurationFile.UnreadCandidates(dataDirectory.Path))
        {
            LogUnreadConfigurationFile(unread, configurationFile.Path, GatehouseConfiguration.ConfigFileVariable);
        }

        LogDataDirectory(dataDirectory.Path, GatehouseConfiguration.DataDirectoryVariable);
    }

    [LoggerMessage(EventId = 1505, Level = LogLevel.Information, Message = "Configuration file: {Path}")]
    private partial void LogConfigurationFile(string path);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Information, Message = "Configuration file: none found at {Path}; running on the built-in defaults (create that file, or set {Variable} to yours).")]
    private partial void LogNoConfigurationFile(string path, string variable);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Warning, Message = "{Unread} exists but is not read: the configuration file is {Path}. Move your settings there, or set {Variable} to the file you mean.")]
    private partial void LogUnreadConfigurationFile(string unread, string path, string variable);

    [LoggerMessage(EventId = 1508, Level = LogLevel.Information, Message = "Data directory: {Path} (set {Variable} to move it).")]
    private partial void LogDataDirectory(string path, string variable);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Loaded {ModelCount} models from configuration.")]
    private partial void LogRoutes(int modelCount);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "Loaded {KeyCount} virtual keys.")]
    private partial void LogKeys(int keyCount);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Service level pinned by an operator: {Level} ({Reason}).")]
    private partial void LogPinnedLevel(Degradation.DegradationLevel level, string? reason);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Loaded {BudgetCount} budgets.")]
    private partial void LogBudgets(int budgetCount);
}
