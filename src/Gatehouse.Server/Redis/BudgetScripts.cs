namespace Gatehouse.Redis;

/// <summary>
/// The Lua scripts of the shared budget ledger. Each runs atomically on the Redis server, so
/// checking every budget of a call and holding its worst case is one step for all replicas, and
/// settling releases the hold and adds the real cost in one step too.
/// </summary>
/// <remarks>
/// <para>
/// Money is integer pico-dollars, the unit of the request records, so shared spend is exactly the
/// sum of the records' costs. Redis keeps the counters as 64-bit integers (<c>HINCRBY</c> with the
/// amounts passed as decimal strings, and read back as strings); only the admission comparison
/// goes through Lua's doubles, which at the largest limit (1 million USD) is off by at most a few
/// hundred pico-dollars, a billionth of a cent.
/// </para>
/// <para>
/// Each budget period has three keys (see <see cref="RedisKeys.BudgetPeriod"/>): counters, open
/// holds scored by their expiry, so the holds of a killed replica return after
/// <c>ReservationTimeoutSeconds</c>, and recent settlements, so a settlement retried after a lost
/// answer counts once. Every reservation passes a floor for each budget's spend, what the replica
/// already knows (loaded from the records at start, or seen since): spend only grows within a
/// period, so the floor re-seeds a Redis that lost its data and can never lower a live counter.
/// </para>
/// </remarks>
internal static class BudgetScripts
{
    private const string Functions = """
        local function now_ms()
          local time = redis.call('TIME')
          return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        end
        local function release_expired(counters, holds, now)
          local expired = redis.call('ZRANGEBYSCORE', holds, '-inf', now)
          for _, member in ipairs(expired) do
            local amount = string.match(member, '|(%d+)$')
            if amount then redis.call('HINCRBY', counters, 'r', '-' .. amount) end
          end
          if #expired > 0 then redis.call('ZREMRANGEBYSCORE', holds, '-inf', now) end
        end
        local function keep(key, ttl)
          if ttl > 0 then redis.call('EXPIRE', key, ttl) end
        end
        """;

    /// <summary>
    /// Holds a call's worst case against every budget, or against none.
    /// KEYS: per budget, counters, holds, settled. ARGV: amount, member (<c>id|amount</c>), hold ms,
    /// then per budget: limit, spend floor, key lifetime in seconds (0: forever).
    /// Returns <c>{1, spent1, held1, spent2, held2, …}</c> (numbers before the hold), or
    /// <c>{0, index, spent, held}</c> for the first budget that cannot pay.
    /// </summary>
    public const string Reserve = Functions + "\n" + """
        local amount = tonumber(ARGV[1])
        local member = ARGV[2]
        local hold_ms = tonumber(ARGV[3])
        local now = now_ms()
        local budgets = #KEYS / 3
        local numbers = {}
        for i = 1, budgets do
          local counters, holds = KEYS[3 * i - 2], KEYS[3 * i - 1]
          local base = 3 + 3 * (i - 1)
          release_expired(counters, holds, now)
          local floor = ARGV[base + 2]
          local spent = redis.call('HGET', counters, 's')
          if (not spent) or tonumber(spent) < tonumber(floor) then
            redis.call('HSET', counters, 's', floor)
            spent = floor
          end
          local held = redis.call('HGET', counters, 'r') or '0'
          local available = tonumber(ARGV[base + 1]) - tonumber(spent) - tonumber(held)
          if available <= 0 or amount > available then
            keep(counters, tonumber(ARGV[base + 3]))
            return {0, i, spent, held}
          end
          numbers[2 * i - 1] = spent
          numbers[2 * i] = held
        end
        local result = {1}
        for i = 1, budgets do
          local counters, holds = KEYS[3 * i - 2], KEYS[3 * i - 1]
          local ttl = tonumber(ARGV[3 + 3 * (i - 1) + 3])
          redis.call('HINCRBY', counters, 'r', ARGV[1])
          redis.call('ZADD', holds, now + hold_ms, member)
          keep(counters, ttl)
          keep(holds, ttl)
          result[2 * i] = numbers[2 * i - 1]
          result[2 * i + 1] = numbers[2 * i]
        end
        return result
        """;

    /// <summary>
    /// Releases a hold and adds the real cost, once. KEYS: per budget, the counters, holds and settled
    /// of the period the hold was taken in, then the counters of the current period (the same key
    /// unless the period turned meanwhile: the cost belongs to the period it was spent in). ARGV:
    /// member, amount, cost, settled window ms, then per budget: key lifetime, the number of alert
    /// thresholds n, and n pairs of (alert field, spend at which it fires). Returns per budget
    /// <c>{spent, held, {alert fields this settlement fired}}</c>; each alert field is set once, by
    /// whichever replica's settlement crosses it first.
    /// </summary>
    public const string Settle = Functions + "\n" + """
        local member, amount, cost = ARGV[1], ARGV[2], ARGV[3]
        local window = tonumber(ARGV[4])
        local now = now_ms()
        local result = {}
        local a = 5
        for i = 1, #KEYS / 4 do
          local counters, holds, settled, current = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
          local ttl = tonumber(ARGV[a])
          local alerts = tonumber(ARGV[a + 1])
          local fired = {}
          a = a + 2
          if redis.call('ZSCORE', settled, member) then
            a = a + 2 * alerts
          else
            if redis.call('ZREM', holds, member) == 1 then
              redis.call('HINCRBY', counters, 'r', '-' .. amount)
            end
            if cost ~= '0' then redis.call('HINCRBY', current, 's', cost) end
            redis.call('ZREMRANGEBYSCORE', settled, '-inf', now - window)
            redis.call('ZADD', settled, now, member)
            keep(settled, ttl)
            keep(current, ttl)
            local spent = tonumber(redis.call('HGET', current, 's') or '0')
            for j = 1, alerts do
              local field, at = ARGV[a], ARGV[a + 1]
              a = a + 2
              if spent >= tonumber(at) and redis.call('HSETNX', current, field, '1') == 1 then
                fired[#fired + 1] = field
              end
            end
          end
          result[#result + 1] = {redis.call('HGET', current, 's') or '0', redis.call('HGET', current, 'r') or '0', fired}
        end
        return result
        """;
}
