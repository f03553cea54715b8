using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Gatehouse.Storage.PostgreSql;

public static class PostgreSqlStorageServiceCollectionExtensions
{
    /// <summary>
    /// Keeps Gatehouse's state in the PostgreSQL database <paramref name="connectionString"/> names,
    /// shared by every replica; it is migrated by the caller through <see cref="IDatabaseMigrator"/>
    /// before first use (Gatehouse does it at start, one replica at a time). Also keeps the day
    /// partitions of the request records (<see cref="PostgreSqlPartitionMaintenance"/>). Uses
    /// <c>TryAdd</c>, so any store registered earlier wins.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string cannot be parsed; the message does not repeat it.</exception>
    /// <param name="source">Where the string came from (a configuration key), named in errors; never the string itself.</param>
    public static IServiceCollection AddPostgreSqlStorage(this IServiceCollection services, string connectionString, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // Parsed now, so a malformed string stops the start here rather than at the first connection.
        _ = new NpgsqlConnectionStringBuilder(connectionString);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new PostgreSqlDatabase(connectionString, source));
        services.TryAddSingleton<IDatabaseMigrator, PostgreSqlMigrator>();
        services.TryAddSingleton<IRequestRecordStore, PostgreSqlRequestRecordStore>();
        services.TryAddSingleton<IKeyStore, PostgreSqlKeyStore>();
        services.TryAddSingleton<ISettingsStore, PostgreSqlSettingsStore>();
        services.TryAddSingleton<IPromptStore, PostgreSqlPromptStore>();
        services.TryAddSingleton<IBudgetStore, PostgreSqlBudgetStore>();
        services.TryAddSingleton<IExecutionStore, PostgreSqlExecutionStore>();
        services.TryAddSingleton<IAnalyticsStore, PostgreSqlAnalyticsStore>();
        services.TryAddSingleton<PostgreSqlRecordPartitions>();
        services.AddHostedService<PostgreSqlPartitionMaintenance>();
        return services;
    }
}
