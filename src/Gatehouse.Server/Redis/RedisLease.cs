using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>A concurrency slot in a shared lease set: released by one fire-and-forget ZREM; a lost release expires with the lease.</summary>
internal sealed class RedisLease(RedisSharedState state, RedisKey leases, string member) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0 || state.Database is not { } db)
        {
            return;
        }

        try
        {
            db.SortedSetRemove(leases, member, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
        {
            // The lease expires by itself (ReservationTimeoutSeconds).
        }
    }
}
