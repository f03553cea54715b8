using Microsoft.Extensions.Caching.Distributed;

namespace Gatehouse.Redis;

/// <summary>
/// HybridCache's second level: the Redis cache while Redis is reachable, nothing while it is not.
/// HybridCache already treats a failing second level as a miss, but a command sent while the
/// connection is down waits for the reconnect (StackExchange.Redis queues it) up to its timeout;
/// skipping it keeps a call served from the first level (or upstream) with no wait. A failure of
/// a command already sent is left to HybridCache, which logs it and carries on.
/// </summary>
internal sealed class RedisCacheL2(IDistributedCache redis, RedisConnection connection) : IDistributedCache
{
    private bool Up => connection.IsConnected;

    public byte[]? Get(string key) => Up ? redis.Get(key) : null;

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Up ? redis.GetAsync(key, token) : Task.FromResult<byte[]?>(null);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        if (Up)
        {
            redis.Set(key, value, options);
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        Up ? redis.SetAsync(key, value, options, token) : Task.CompletedTask;

    public void Refresh(string key)
    {
        if (Up)
        {
            redis.Refresh(key);
        }
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Up ? redis.RefreshAsync(key, token) : Task.CompletedTask;

    public void Remove(string key)
    {
        if (Up)
        {
            redis.Remove(key);
        }
    }

    public Task RemoveAsync(string key, CancellationToken token = default) => Up ? redis.RemoveAsync(key, token) : Task.CompletedTask;
}
