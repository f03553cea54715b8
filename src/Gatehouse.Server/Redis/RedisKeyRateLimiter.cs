using Gatehouse.Configuration;
using Gatehouse.Gateway;
using Gatehouse.Routing;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// A key's requests and tokens per minute shared by every replica: both limits in one script, one
/// round trip (<see cref="LimitScripts.KeyAdmit"/>). While Redis is unreachable the
/// <c>Gatehouse:Redis:LimitsWhenUnreachable</c> policy decides: by default each replica enforces
/// its share of the cap (the cap divided by the last known replica count) in process.
/// </summary>
internal sealed class RedisKeyRateLimiter(RedisSharedState state, KeyRateLimiters local) : IKeyRateLimiter
{
    public async ValueTask<KeyAdmission> AdmitAsync(string keyId, int? requestsPerMinute, int? tokensPerMinute, int estimatedTokens, CancellationToken cancellationToken)
    {
        if (state.Database is { } db)
        {
            try
            {
                // Not abandoned on cancellation: once sent, the script has taken its permit and
                // reservation, and the hold it answers must reach the caller to be settled.
                var admission = await SharedAsync(db, keyId, requestsPerMinute, tokensPerMinute, estimatedTokens);
                state.LimitsShared();
                return admission;
            }
            catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
            {
                // Went down between the check and the call: the policy decides this call too.
            }
        }

        state.LimitsDecidedByPolicy();
        return state.Options.LimitsWhenUnreachable switch
        {
            RedisLimitsPolicy.FailClosed => Closed(requestsPerMinute, tokensPerMinute),
            RedisLimitsPolicy.PerReplicaFull => local.Admit(keyId, requestsPerMinute, tokensPerMinute, estimatedTokens),
            _ => local.Admit(keyId, Share(requestsPerMinute), Share(tokensPerMinute), estimatedTokens),
        };
    }

    private async Task<KeyAdmission> SharedAsync(IDatabase db, string keyId, int? requestsPerMinute, int? tokensPerMinute, int estimatedTokens)
    {
        var limits = RedisKeys.KeyLimits(keyId);
        var bucket = state.Connection.Key(limits + RedisKeys.TokenBucket);
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(
            LimitScripts.KeyAdmit,
            [state.Connection.Key(limits + RedisKeys.RequestLog), bucket],
            [requestsPerMinute ?? 0, tokensPerMinute ?? 0, estimatedTokens, state.NewMember()]))!;
        var refused = (int)result[0];
        var wait = TimeSpan.FromMilliseconds((long)result[2]);
        RateLimitHeaders? requests = requestsPerMinute is { } rpm ? new RateLimitHeaders("requests", rpm, Math.Max(0, (long)result[1])) : null;
        if (refused == 1)
        {
            return new KeyAdmission(KeyLimit.Requests, wait, requests, null, null);
        }

        if (tokensPerMinute is not { } tpm)
        {
            return new KeyAdmission(KeyLimit.None, TimeSpan.Zero, requests, null, null);
        }

        var tokens = new RateLimitHeaders("tokens", tpm, (long)result[3]);
        return refused == 2
            ? new KeyAdmission(KeyLimit.Tokens, wait, requests, tokens, null)
            : new KeyAdmission(KeyLimit.None, TimeSpan.Zero, requests, tokens, new RedisTokenHold(state, bucket, tpm, Math.Clamp(estimatedTokens, 0, tpm)));
    }

    private int? Share(int? cap) => cap is { } value ? Math.Max(1, value / state.ReplicaCount) : null;

    // Fail closed: refused by the first limit the key has, with a short wait (Redis usually returns within seconds).
    private static KeyAdmission Closed(int? requestsPerMinute, int? tokensPerMinute)
    {
        var wait = TimeSpan.FromSeconds(5);
        return requestsPerMinute is { } rpm
            ? new KeyAdmission(KeyLimit.Requests, wait, new RateLimitHeaders("requests", rpm, 0), null, null)
            : new KeyAdmission(KeyLimit.Tokens, wait, null, new RateLimitHeaders("tokens", tokensPerMinute!.Value, 0), null);
    }
}
