using Gatehouse.Configuration;
using Gatehouse.Routing;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// A deployment's concurrency, tokens and requests per minute shared by every replica: all three in
/// one script, one round trip per attempt (<see cref="LimitScripts.DeploymentEnter"/>); the
/// release and the token settlement are one fire-and-forget script at its end
/// (<see cref="RedisDeploymentHold"/>). A lease lives the deployment's timeout (no attempt outlives
/// it) plus <see cref="LeaseGrace"/>, so a killed replica's slots come back then. While Redis is
/// unreachable the <c>Gatehouse:Redis:LimitsWhenUnreachable</c> policy decides, as for keys.
/// </summary>
internal sealed class RedisDeploymentLimiter(RedisSharedState state, DeploymentLimiters local) : IDeploymentLimiter
{
    /// <summary>How long a lease outlives its deployment's timeout.</summary>
    public static readonly TimeSpan LeaseGrace = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan LongestLease = TimeSpan.FromDays(1);

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
                // Not abandoned on cancellation: the lease the script takes must reach the caller to be released.
                var entry = await SharedAsync(db, deployment, estimatedTokens);
                state.LimitsShared();
                return entry;
            }
            catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
            {
                // Went down between the check and the call: the policy decides this attempt too.
            }
        }

        state.LimitsDecidedByPolicy();
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
        var member = state.NewMember();
        var limits = RedisKeys.DeploymentLimits(deployment.Name);
        var leases = state.Connection.Key(limits + RedisKeys.Leases);
        var bucket = state.Connection.Key(limits + RedisKeys.TokenBucket);
        var lifetime = (long)(Min(deployment.Timeout, LongestLease) + LeaseGrace).TotalMilliseconds;
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await db.ScriptEvaluateAsync(
                LimitScripts.DeploymentEnter,
                [leases, bucket, state.Connection.Key(limits + RedisKeys.RequestLog)],
                [deployment.MaxConcurrency, deployment.TokensPerMinute, deployment.RequestsPerMinute, estimatedTokens, member, lifetime]))!;
        }
        catch (RedisTimeoutException) when (deployment.MaxConcurrency > 0)
        {
            RedisDeploymentHold.Abandon(db, leases, member);
            throw;
        }

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

        if (deployment is { MaxConcurrency: 0, TokensPerMinute: 0 })
        {
            return new DeploymentEntry(DeploymentLease.Unlimited, null); // a request permit is spent once taken
        }

        var tokensPerMinute = deployment.TokensPerMinute;
        var hold = new RedisDeploymentHold(
            state, leases, bucket, deployment.MaxConcurrency > 0 ? member : null, tokensPerMinute, Math.Clamp(estimatedTokens, 0, tokensPerMinute));
        return new DeploymentEntry(new DeploymentLease(hold, tokensPerMinute > 0 ? hold : null), null);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
