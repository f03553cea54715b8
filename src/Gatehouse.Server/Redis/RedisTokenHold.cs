using Gatehouse.Routing;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// A key's tokens reserved in a shared bucket. Settling is one fire-and-forget script (none when the
/// estimate was exact): nobody waits for it, and if it is lost (Redis went down) the reservation
/// stays spent, the safe side, until the refill pays it.
/// </summary>
internal sealed class RedisTokenHold(RedisSharedState state, RedisKey bucket, int tokensPerMinute, int reserved) : ITokenSettlement
{
    private int _settled;

    public void Settle(int usedTokens)
    {
        usedTokens = Math.Max(0, usedTokens);
        if (Interlocked.Exchange(ref _settled, 1) != 0 || usedTokens == reserved || state.Database is not { } db)
        {
            return;
        }

        try
        {
            db.ScriptEvaluate(LimitScripts.SettleTokens, [bucket], [tokensPerMinute, reserved, usedTokens], CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
        {
            // Lost with the connection: the reservation stays spent (see above).
        }
    }
}
