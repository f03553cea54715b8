using Gatehouse.Budgets;
using Gatehouse.Configuration;
using Gatehouse.Gateway;
using Gatehouse.Keys;
using Gatehouse.Redis;
using Gatehouse.Routing;
using Gatehouse.Storage.PostgreSql;
using Gatehouse.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Gatehouse.Hosting;

/// <summary>
/// The back ends a host can choose on <see cref="IGatehouseBuilder"/>, and the choice Gatehouse makes
/// from configuration: <c>Gatehouse:Storage:Provider</c> (<c>Sqlite</c>, the default, or
/// <c>PostgreSql</c>) with <c>ConnectionStrings:Gatehouse</c>. A configuration that names no usable
/// back end stops the start with a message naming the key, never a connection string's secret.
/// </summary>
internal static class GatehouseBackEnds
{
    public const string StorageProviderKey = "Gatehouse:Storage:Provider";
    public const string DatabaseConnectionKey = "ConnectionStrings:Gatehouse";
    public const string RedisConnectionKey = "ConnectionStrings:Redis";

    /// <summary>Chooses storage (and shared state) as the configuration says; what <c>Program</c> uses.</summary>
    public static IGatehouseBuilder UseConfiguredBackEnds(this IGatehouseBuilder builder)
    {
        var configuration = builder.Configuration;
        var connectionString = configuration[DatabaseConnectionKey];
        switch (ReadStorageProvider(configuration))
        {
            case StorageProvider.Sqlite:
                builder.UseSqliteStorage(string.IsNullOrWhiteSpace(connectionString)
                    ? Path.Combine(configuration.DataDirectory(), "gatehouse.db")
                    : SqlitePath(connectionString));
                break;
            case StorageProvider.PostgreSql:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new GatehouseConfigurationException(
                        $"{StorageProviderKey} is PostgreSql but {DatabaseConnectionKey} is not set (environment: ConnectionStrings__Gatehouse).");
                }

                builder.UsePostgreSqlStorage(connectionString);
                break;
        }

        var redis = configuration[RedisConnectionKey];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            builder.UseRedisSharedState(redis);
        }

        return builder;
    }

    /// <summary>
    /// Shares limits and budgets (and, on the same connection, cache and invalidation) with every
    /// replica through Redis. The connection string is parsed here, so a bad one stops the start
    /// naming <c>ConnectionStrings:Redis</c>; an unreachable server does not (see <see cref="RedisConnection"/>).
    /// </summary>
    public static IGatehouseBuilder UseRedisSharedState(this IGatehouseBuilder builder, string connectionString)
    {
        var endpoint = RedisEndpoint.Parse(connectionString, RedisConnectionKey);
        builder.Services.AddSingleton(endpoint);
        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<RedisConnection>());
        builder.Services.AddRedisInvalidationAndCache();
        builder.Services.AddSingleton(static sp => ActivatorUtilities.CreateInstance<RedisSharedState>(sp, PolicyClock.From(sp)));
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<RedisSharedState>());

        // Seam 4: the shared implementations replace the in-process defaults, which stay as their fallback.
        builder.Services.Replace(ServiceDescriptor.Singleton<IKeyRateLimiter>(static sp =>
            new RedisKeyRateLimiter(sp.GetRequiredService<RedisSharedState>(), sp.GetRequiredService<KeyRateLimiters>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<IDeploymentLimiter>(static sp =>
            new RedisDeploymentLimiter(sp.GetRequiredService<RedisSharedState>(), sp.GetRequiredService<DeploymentLimiters>())));
        builder.Services.AddSingleton<RedisBudgetLedger>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IBudgetAdmission>(static sp => sp.GetRequiredService<RedisBudgetLedger>()));
        return builder;
    }

    /// <summary>Keeps Gatehouse's state in one SQLite file (created with its directory when missing).</summary>
    public static IGatehouseBuilder UseSqliteStorage(this IGatehouseBuilder builder, string databasePath)
    {
        builder.ChooseStorage(StorageProvider.Sqlite);
        builder.Services.AddSqliteStorage(databasePath);
        return builder;
    }

    /// <summary>Keeps Gatehouse's state in a PostgreSQL database shared by every replica.</summary>
    public static IGatehouseBuilder UsePostgreSqlStorage(this IGatehouseBuilder builder, string connectionString)
    {
        builder.ChooseStorage(StorageProvider.PostgreSql);
        ValidatePostgreSqlConnectionString(connectionString);
        builder.Services.AddPostgreSqlStorage(connectionString, DatabaseConnectionKey);

        // Other replicas create keys in the same database: one this replica does not know yet is looked up there.
        builder.Services.Replace(ServiceDescriptor.Singleton<IUnknownKeyLookup, StoredKeyLookup>());
        return builder;
    }

    /// <summary>
    /// Parses the string as Npgsql will. Npgsql's own message can quote the offending part, which
    /// may be the password, so only the key and what is expected are said.
    /// </summary>
    private static void ValidatePostgreSqlConnectionString(string connectionString)
    {
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            throw new GatehouseConfigurationException(
                $"{DatabaseConnectionKey} is not a valid PostgreSQL connection string (expected 'Host=...;Database=...;Username=...;Password=...'; "
                + $"{ex.GetType().Name}, details withheld because they may contain the password).");
        }

        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            throw new GatehouseConfigurationException($"{DatabaseConnectionKey} names no PostgreSQL server (Host).");
        }
    }

    private static StorageProvider ReadStorageProvider(IConfiguration configuration)
    {
        var value = configuration[StorageProviderKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return StorageProvider.Sqlite;
        }

        // Names only: Enum.TryParse would also take "1" or "Sqlite, PostgreSql".
        foreach (var provider in Enum.GetValues<StorageProvider>())
        {
            if (string.Equals(value.Trim(), provider.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return provider;
            }
        }

        throw new GatehouseConfigurationException(
            $"{StorageProviderKey} is '{value}'; it must be one of: {string.Join(", ", Enum.GetNames<StorageProvider>())}.");
    }

    /// <summary>The file a SQLite connection string names; only <c>Data Source</c> means anything to Gatehouse.</summary>
    private static string SqlitePath(string connectionString)
    {
        SqliteConnectionStringBuilder parsed;
        try
        {
            parsed = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new GatehouseConfigurationException($"{DatabaseConnectionKey} is not a valid SQLite connection string: {ex.Message}");
        }

        return string.IsNullOrWhiteSpace(parsed.DataSource)
            ? throw new GatehouseConfigurationException($"{DatabaseConnectionKey} names no SQLite file (Data Source).")
            : parsed.DataSource;
    }
}
