using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Storage.Sqlite;

public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>
    /// Keeps Gatehouse's state in the SQLite file at <paramref name="databasePath"/> (created with its
    /// directory if missing) and is migrated by the caller through <see cref="IDatabaseMigrator"/> before first use (Gatehouse does it at start). Uses <c>TryAdd</c>, so any store
    /// registered earlier wins.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new SqliteDatabase(databasePath));
        services.TryAddSingleton<IDatabaseMigrator, SqliteMigrator>();
        services.TryAddSingleton<IRequestRecordStore, SqliteRequestRecordStore>();
        services.TryAddSingleton<IKeyStore, SqliteKeyStore>();
        services.TryAddSingleton<ISettingsStore, SqliteSettingsStore>();
        services.TryAddSingleton<IBudgetStore, SqliteBudgetStore>();
        services.TryAddSingleton<IPromptStore, SqlitePromptStore>();
        services.TryAddSingleton<IExecutionStore, SqliteExecutionStore>();
        services.TryAddSingleton<IAnalyticsStore, SqliteAnalyticsStore>();
        return services;
    }
}
