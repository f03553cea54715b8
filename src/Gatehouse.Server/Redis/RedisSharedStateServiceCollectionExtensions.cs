using Gatehouse.SharedState;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Redis;

/// <summary>
/// The parts of Redis shared state that keep replicas' copies in line: change notices over pub/sub
/// and the response cache's second level, both on the one <see cref="RedisConnection"/>.
/// </summary>
internal static class RedisSharedStateServiceCollectionExtensions
{
    /// <summary>Registered after <see cref="RedisConnection"/>, so the bus starts (subscribes) once the connection exists.</summary>
    public static IServiceCollection AddRedisInvalidationAndCache(this IServiceCollection services)
    {
        services.AddSingleton<RedisStateChangeBus>();
        services.Replace(ServiceDescriptor.Singleton<IStateChangeBus>(static sp => sp.GetRequiredService<RedisStateChangeBus>()));
        services.AddHostedService(static sp => sp.GetRequiredService<RedisStateChangeBus>());

        services.AddStackExchangeRedisCache(static _ => { });
        services.AddOptions<RedisCacheOptions>().Configure<RedisConnection>(static (cache, connection) =>
        {
            cache.InstanceName = connection.KeyPrefix + RedisKeys.Cache;

            // The process's multiplexer, never a second connection; asked for only while connected (RedisCacheL2).
            cache.ConnectionMultiplexerFactory = () => Task.FromResult(connection.Multiplexer
                ?? throw new InvalidOperationException("Redis is not connected yet."));
        });

        // The Redis cache is built here, not resolved: disposing it would close the shared multiplexer.
        services.Replace(ServiceDescriptor.Singleton<IDistributedCache>(static sp => new RedisCacheL2(
            new RedisCache(sp.GetRequiredService<IOptions<RedisCacheOptions>>()),
            sp.GetRequiredService<RedisConnection>())));
        return services;
    }
}
