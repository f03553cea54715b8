namespace Gatehouse.Redis;

/// <summary>
/// The Lua scripts of the shared limiters. Each runs atomically on the Redis server, so checking a
/// limit and taking from it is one step for every replica, and each reads the time from Redis
/// (<c>TIME</c>), so replicas' clocks do not matter: every window and bucket is on one clock.
/// Scripts are replicated by their effects (the default since Redis 5), which <c>TIME</c> needs.
/// </summary>
/// <remarks>
/// Requests per minute: a sliding log, a sorted set of one member per admitted call scored by its
/// time; a call is admitted while fewer than N members are younger than 60 s, so a burst over
/// every replica gets exactly N. Tokens per minute: a bucket of at most a minute's tokens refilled
/// continuously (hash fields <c>a</c> available, <c>t</c> last refill), reserved by the estimate and
/// settled with the real usage, as <see cref="Routing.TokensPerMinuteLimiter"/> does in process; a
/// reservation a killed replica never settles stays spent, and the refill pays it within a minute.
/// Concurrency: a sorted set of leases scored by their expiry, pruned on every acquire, so a killed
/// replica's leases return when they expire (the deployment's timeout plus a grace). Every key
/// expires once it would be indistinguishable from a missing one (an empty log, a full bucket, no lease).
/// </remarks>
internal static class LimitScripts
{
    // Shared Lua: the server's clock in ms; a token bucket's refill, and its settlement.
    private const string Functions = """
        local function now_ms()
          local time = redis.call('TIME')
          return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        end
        local function refill(key, now, tpm)
          local state = redis.call('HMGET', key, 'a', 't')
          local available = tonumber(state[1]) or tpm
          local at = tonumber(state[2]) or now
          if now > at then
            available = math.min(tpm, available + (now - at) * tpm / 60000)
            at = now
          end
          return available, at
        end
        local function store(key, available, at, tpm)
          redis.call('HSET', key, 'a', tostring(available), 't', at)
          redis.call('PEXPIRE', key, math.ceil((tpm - available) * 60000 / tpm) + 1000)
        end
        local function settle(key, now, tpm, reserved, used)
          local available, at = refill(key, now, tpm)
          store(key, math.min(tpm, available + reserved - used), at, tpm)
        end
        local function admit_request(key, now, rpm, member)
          redis.call('ZREMRANGEBYSCORE', key, '-inf', now - 60000)
          local count = redis.call('ZCARD', key)
          if count >= rpm then
            local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
            local wait = 60000
            if oldest[2] then wait = math.max(1, tonumber(oldest[2]) + 60000 - now) end
            return -1, wait
          end
          redis.call('ZADD', key, now, member)
          redis.call('PEXPIRE', key, 61000)
          return rpm - count - 1, 0
        end
        """;

    /// <summary>
    /// A key's limits, requests first. KEYS: request log, token bucket. ARGV: rpm (0 none), tpm (0 none), estimate, member.
    /// Returns {refused (0 none, 1 requests, 2 tokens), requests remaining (-1 none), wait ms, tokens remaining (-1 none)}.
    /// </summary>
    public const string KeyAdmit = Functions + """

        local now = now_ms()
        local rpm = tonumber(ARGV[1])
        local tpm = tonumber(ARGV[2])
        local estimate = tonumber(ARGV[3])
        local requestsLeft = -1
        if rpm > 0 then
          local left, wait = admit_request(KEYS[1], now, rpm, ARGV[4])
          if left < 0 then return {1, 0, wait, -1} end
          requestsLeft = left
        end
        if tpm <= 0 then
          return {0, requestsLeft, 0, -1}
        end
        if estimate > tpm then estimate = tpm end
        if estimate < 0 then estimate = 0 end
        local available, at = refill(KEYS[2], now, tpm)
        local needed = math.max(estimate, 1)
        if available < needed then
          return {2, requestsLeft, math.ceil((needed - available) * 60000 / tpm), math.max(0, math.floor(available))}
        end
        available = available - estimate
        store(KEYS[2], available, at, tpm)
        return {0, requestsLeft, 0, math.max(0, math.floor(available))}
        """;

    /// <summary>Settles a token reservation (a missing bucket is a full one). KEYS: token bucket. ARGV: tpm, reserved, used.</summary>
    public const string SettleTokens = Functions + """

        settle(KEYS[1], now_ms(), tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
        return 1
        """;

    /// <summary>
    /// A deployment's caps, checked all before any is taken (so a refused call spends nothing), in
    /// the in-process order: concurrency, tokens, requests. KEYS: leases, token bucket, request log.
    /// ARGV: max concurrency, tpm, rpm (0 = none), estimate, member, lease lifetime (ms).
    /// Returns {refused (0 none, 1 concurrency, 2 tokens, 3 requests), wait ms, tokens remaining (-1 none)}.
    /// </summary>
    public const string DeploymentEnter = Functions + """

        local now = now_ms()
        local concurrency = tonumber(ARGV[1])
        local tpm = tonumber(ARGV[2])
        local rpm = tonumber(ARGV[3])
        local estimate = tonumber(ARGV[4])
        if concurrency > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
          if redis.call('ZCARD', KEYS[1]) >= concurrency then return {1, 0, -1} end
        end
        local available, at = 0, now
        if tpm > 0 then
          if estimate > tpm then estimate = tpm end
          if estimate < 0 then estimate = 0 end
          available, at = refill(KEYS[2], now, tpm)
          local needed = math.max(estimate, 1)
          if available < needed then
            return {2, math.ceil((needed - available) * 60000 / tpm), math.max(0, math.floor(available))}
          end
        end
        if rpm > 0 then
          local left, wait = admit_request(KEYS[3], now, rpm, ARGV[5])
          if left < 0 then return {3, wait, -1} end
        end
        if concurrency > 0 then
          redis.call('ZADD', KEYS[1], now + tonumber(ARGV[6]), ARGV[5])
          local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
          redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - now) + 1000)
        end
        local left = -1
        if tpm > 0 then
          available = available - estimate
          store(KEYS[2], available, at, tpm)
          left = math.max(0, math.floor(available))
        end
        return {0, 0, left}
        """;

    /// <summary>
    /// The end of a deployment attempt: its lease released and its tokens settled, in one script.
    /// KEYS: leases, token bucket. ARGV: member ('' = no lease), tpm (0 = no tokens), reserved, used.
    /// </summary>
    public const string DeploymentExit = Functions + """

        if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
        local tpm = tonumber(ARGV[2])
        local reserved = tonumber(ARGV[3])
        local used = tonumber(ARGV[4])
        if tpm > 0 and reserved ~= used then settle(KEYS[2], now_ms(), tpm, reserved, used) end
        return 1
        """;

    /// <summary>
    /// A replica's heartbeat. KEYS: replicas. ARGV: replica id, staleness (ms): a replica not heard
    /// from for that long is no longer counted. Returns the replicas alive.
    /// </summary>
    public const string Heartbeat = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local stale = tonumber(ARGV[2])
        redis.call('ZADD', KEYS[1], now, ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - stale)
        redis.call('PEXPIRE', KEYS[1], stale)
        return redis.call('ZCARD', KEYS[1])
        """;
}
