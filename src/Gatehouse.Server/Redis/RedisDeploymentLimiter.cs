using Gatehouse.Configuration;
using Gatehouse.Routing;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// A deployment's concurrency, tokens and requests per minute shared by every replica: all three in
/// one script, one round trip per attempt (<see cref="LimitScripts.DeploymentEnter"/>); the
/// release and the token settlement are fire-and-forget. While Redis is unreachable the
/// <c>Gatehouse:Redis:LimitsWhenUnreachable</c> policy decides, as for keys.
/// </summary>
internal sealed class RedisDeploymentLimiter(RedisSharedState state, DeploymentLimiters local) : IDeploymentLimiter
{
    public async ValueTask<DeploymentEntry> TryEnterAsync(Deployment deployment, int estimatedTokens, CancellationToken cancellationToken)
    {
        if (deployment is { MaxConcurrency: 0, TokensPerMinute: 0, RequestsPerMinute: 0 })
        {
            return new DeploymentEntry(DeploymentLease.Unlimited, null);
        }

        if (state.Database is { } db)
        {
            try
            {
                return await SharedAsync(db, deployment, estimatedTokens);
            }
            catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
            {
                // Went down between the check and the call: the policy decides this attempt too.
            }
        }

        state.CountFallback(RedisSharedState.LimitsState);
        var caps = DeploymentCaps.Of(deployment);
        DeploymentRefusal? refusal;
        switch (state.Options.LimitsWhenUnreachable)
        {
            case RedisLimitsPolicy.FailClosed:
                return DeploymentEntry.Refused(new DeploymentRefusal("shared limits (Redis unreachable)", TimeSpan.FromSeconds(5), null));
            case RedisLimitsPolicy.PerReplicaFull:
                break;
            default:
                caps = caps.Share(state.ReplicaCount);
                break;
        }

        var lease = local.TryEnter(caps, estimatedTokens, out refusal);
        return lease is null ? DeploymentEntry.Refused(refusal!) : new DeploymentEntry(lease, null);
    }

    private async Task<DeploymentEntry> SharedAsync(IDatabase db, Deployment deployment, int estimatedTokens)
    {
        var now = state.NowMilliseconds;
        var member = state.ReplicaId + ":" + Guid.NewGuid().ToString("N");
        var leases = state.Connection.Key(RedisKeys.Leases(deployment.Name));
        var bucket = state.Connection.Key(RedisKeys.Tokens("deployment", deployment.Name));
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(
            LimitScripts.DeploymentEnter,
            [leases, bucket, state.Connection.Key(RedisKeys.Requests("deployment", deployment.Name))],
            [now, deployment.MaxConcurrency, deployment.TokensPerMinute, deployment.RequestsPerMinute, estimatedTokens, member, now + (state.Options.ReservationTimeoutSeconds * 1000L)]))!;
        var wait = TimeSpan.FromMilliseconds((long)result[1]);
        switch ((int)result[0])
        {
            case 1:
                return DeploymentEntry.Refused(new DeploymentRefusal("concurrency limit", null, null));
            case 2:
                return DeploymentEntry.Refused(new DeploymentRefusal("token limit", wait, new RateLimitHeaders("tokens", deployment.TokensPerMinute, (long)result[2], wait)));
            case 3:
                return DeploymentEntry.Refused(new DeploymentRefusal("request limit", wait, new RateLimitHeaders("requests", deployment.RequestsPerMinute, 0, wait)));
        }

        return new DeploymentEntry(
            new DeploymentLease(
                deployment.MaxConcurrency > 0 ? new RedisLease(state, leases, member) : null,
                deployment.TokensPerMinute > 0 ? new RedisTokenHold(state, bucket, deployment.TokensPerMinute, Math.Clamp(estimatedTokens, 0, deployment.TokensPerMinute)) : null),
            null);
    }
}
