namespace Gatehouse.Redis;

/// <summary>
/// The Lua scripts of the shared limiters. Each runs atomically on the Redis server, so checking a
/// limit and taking from it is one step for every replica. The time is an argument (Unix ms from
/// the replica's injected clock), not Redis TIME, so tests can move it; replicas' clocks must agree
/// to within a fraction of the window (NTP does).
/// </summary>
/// <remarks>
/// Requests per minute: a sliding log, a sorted set of one member per admitted call scored by its
/// time; a call is admitted while fewer than N members are younger than 60 s, so a burst over
/// every replica gets exactly N. Tokens per minute: a bucket of at most a minute's tokens refilled
/// continuously (hash fields <c>a</c> available, <c>t</c> last refill), reserved by the estimate and
/// settled with the real usage, as <see cref="Routing.TokensPerMinuteLimiter"/> does in process; a
/// reservation a killed replica never settles stays spent, and the refill pays it within a minute.
/// Concurrency: a sorted set of leases scored by their expiry, pruned on every acquire, so a killed
/// replica's leases return after <c>ReservationTimeoutSeconds</c>.
/// </remarks>
internal static class LimitScripts
{
    // Shared Lua: the token bucket's refill. Returns available after refill.
    private const string Refill = """
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
        """;

    /// <summary>
    /// A key's limits. KEYS: requests zset, tokens hash. ARGV: now, rpm (0 none), tpm (0 none), estimate, member.
    /// Returns {refused (0 none, 1 requests, 2 tokens), requests remaining (-1 none), wait ms, tokens remaining (-1 none)}.
    /// </summary>
    public const string KeyAdmit = Refill + """

        local now = tonumber(ARGV[1])
        local rpm = tonumber(ARGV[2])
        local tpm = tonumber(ARGV[3])
        local estimate = tonumber(ARGV[4])
        local requestsLeft = -1
        if rpm > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
          local count = redis.call('ZCARD', KEYS[1])
          if count >= rpm then
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local wait = 60000
            if oldest[2] then wait = math.max(1, tonumber(oldest[2]) + 60000 - now) end
            return {1, 0, wait, -1}
          end
          redis.call('ZADD', KEYS[1], now, ARGV[5])
          redis.call('PEXPIRE', KEYS[1], 61000)
          requestsLeft = rpm - count - 1
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
        redis.call('HSET', KEYS[2], 'a', tostring(available), 't', at)
        redis.call('PEXPIRE', KEYS[2], 120000)
        return {0, requestsLeft, 0, math.max(0, math.floor(available))}
        """;

    /// <summary>Settles a token reservation. KEYS: tokens hash. ARGV: now, tpm, reserved, used.</summary>
    public const string SettleTokens = Refill + """

        local now = tonumber(ARGV[1])
        local tpm = tonumber(ARGV[2])
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        local available, at = refill(KEYS[1], now, tpm)
        available = math.min(tpm, available + tonumber(ARGV[3]) - tonumber(ARGV[4]))
        redis.call('HSET', KEYS[1], 'a', tostring(available), 't', at)
        redis.call('PEXPIRE', KEYS[1], 120000)
        return 1
        """;

    /// <summary>
    /// A deployment's caps, checked all before any is taken (so a refused call spends nothing), in
    /// the in-process order: concurrency, tokens, requests. KEYS: leases zset, tokens hash, requests zset.
    /// ARGV: now, max concurrency, tpm, rpm (0 = none), estimate, member, lease expiry (ms).
    /// Returns {refused (0 none, 1 concurrency, 2 tokens, 3 requests), wait ms, tokens remaining (-1 none)}.
    /// </summary>
    public const string DeploymentEnter = Refill + """

        local now = tonumber(ARGV[1])
        local concurrency = tonumber(ARGV[2])
        local tpm = tonumber(ARGV[3])
        local rpm = tonumber(ARGV[4])
        local estimate = tonumber(ARGV[5])
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
          redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 60000)
          if redis.call('ZCARD', KEYS[3]) >= rpm then
            local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
            local wait = 60000
            if oldest[2] then wait = math.max(1, tonumber(oldest[2]) + 60000 - now) end
            return {3, wait, -1}
          end
          redis.call('ZADD', KEYS[3], now, ARGV[6])
          redis.call('PEXPIRE', KEYS[3], 61000)
        end
        if concurrency > 0 then
          redis.call('ZADD', KEYS[1], tonumber(ARGV[7]), ARGV[6])
          redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[7]) - now + 1000)
        end
        local left = -1
        if tpm > 0 then
          available = available - estimate
          redis.call('HSET', KEYS[2], 'a', tostring(available), 't', at)
          redis.call('PEXPIRE', KEYS[2], 120000)
          left = math.max(0, math.floor(available))
        end
        return {0, 0, left}
        """;
}
