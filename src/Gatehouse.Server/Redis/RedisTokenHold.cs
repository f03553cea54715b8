using Gatehouse.Routing;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// Tokens reserved in a shared bucket. Settling is one fire-and-forget script: nobody waits for it,
/// and if it is lost (Redis went down) the reservation stays spent, the safe side, until the refill pays it.
/// </summary>
internal sealed class RedisTokenHold(RedisSharedState state, RedisKey bucket, int tokensPerMinute, int reserved) : ITokenSettlement
{
    private int _settled;

    public void Settle(int usedTokens)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0 || state.Database is not { } db)
        {
            return;
        }

        try
        {
            db.ScriptEvaluate(
                LimitScripts.SettleTokens,
                [bucket],
                [state.NowMilliseconds, tokensPerMinute, reserved, Math.Max(0, usedTokens)],
                CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
        {
            // Lost with the connection: the reservation stays spent (see above).
        }
    }
}
