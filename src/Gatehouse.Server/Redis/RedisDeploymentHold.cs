using Gatehouse.Routing;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// What one attempt holds on a deployment's shared caps: a concurrency lease and a token
/// reservation. <see cref="Settle"/> only notes the usage; <see cref="Dispose"/> releases the lease
/// and settles the tokens in one fire-and-forget script (<see cref="LimitScripts.DeploymentExit"/>),
/// so an attempt's end costs one command. Unsettled at dispose, the whole reservation stays spent.
/// A release that is lost (Redis down, the replica killed) expires with the lease.
/// </summary>
internal sealed class RedisDeploymentHold(RedisSharedState state, RedisKey leases, RedisKey bucket, string? member, int tokensPerMinute, int reserved)
    : ITokenSettlement, IDisposable
{
    private int _used = -1; // -1 until settled
    private int _released;

    public void Settle(int usedTokens) => Interlocked.CompareExchange(ref _used, Math.Max(0, usedTokens), -1);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        var used = Volatile.Read(ref _used) is >= 0 and var settled ? settled : reserved;
        if ((member is null && (tokensPerMinute == 0 || used == reserved)) || state.Database is not { } db)
        {
            return;
        }

        try
        {
            db.ScriptEvaluate(LimitScripts.DeploymentExit, [leases, bucket], [member ?? "", tokensPerMinute, reserved, used], CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
        {
            // The lease expires by itself; the reservation stays spent until the refill pays it.
        }
    }

    /// <summary>
    /// After an enter script whose answer was lost (a timeout): it may have taken the lease, so the
    /// lease is removed, fire-and-forget (commands on one connection run in order, so this runs
    /// after the script). Its tokens and request permit stay spent, the safe side.
    /// </summary>
    public static void Abandon(IDatabase db, RedisKey leases, string member)
    {
        try
        {
            db.SortedSetRemove(leases, member, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
        {
            // Expires by itself.
        }
    }
}
