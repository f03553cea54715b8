using System.Diagnostics.Metrics;
using Gatehouse.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// What the shared limiters and the shared budget ledger have in common: the connection, the
/// policy for when Redis is unreachable, the replica count that divides caps then (each replica
/// announces itself every <c>HeartbeatSeconds</c>; the last count seen is kept while Redis is
/// down), the clock passed into every script, and the fallback metric.
/// </summary>
internal sealed class RedisSharedState : BackgroundService
{
    public const string LimitsState = "limits";
    public const string BudgetsState = "budgets";

    private readonly TimeProvider _timeProvider;
    private readonly Meter? _ownMeter;
    private readonly Counter<long> _fallbacks;
    private long _limitFallbacks;
    private long _budgetFallbacks;
    private volatile int _replicas = 1;

    public RedisSharedState(RedisConnection connection, IOptions<GatehouseOptions> options, TimeProvider timeProvider, IMeterFactory meterFactory)
        : this(connection, options.Value.Redis, timeProvider, meterFactory)
    {
    }

    public RedisSharedState(RedisConnection connection, RedisOptions options, TimeProvider timeProvider, IMeterFactory? meterFactory = null)
    {
        Connection = connection;
        Options = options;
        _timeProvider = timeProvider;
        var meter = meterFactory?.Create(Hosting.GatehouseTelemetry.MeterName) ?? (_ownMeter = new Meter(Hosting.GatehouseTelemetry.MeterName));
        _fallbacks = meter.CreateCounter<long>(
            "gatehouse.redis.fallbacks", "{call}", "Calls whose limits or budgets were decided by the Redis failure policy instead of the shared state, by state (limits, budgets).");
        meter.CreateObservableGauge("gatehouse.redis.connected", () => Connection.IsConnected ? 1 : 0, "{state}", "1 while Redis is reachable, 0 while the failure policies apply.");
        meter.CreateObservableGauge("gatehouse.redis.replicas", () => _replicas, "{replica}", "Replicas that announced themselves in Redis recently (the last count seen while Redis is down).");
    }

    public RedisConnection Connection { get; }

    public RedisOptions Options { get; }

    /// <summary>This process's id in the replica set, and the owner part of every lease and reservation it takes.</summary>
    public string ReplicaId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Replicas alive at the last heartbeat (at least 1): caps are divided by it while Redis is unreachable.</summary>
    public int ReplicaCount => _replicas;

    public long LimitFallbacks => Interlocked.Read(ref _limitFallbacks);

    public long BudgetFallbacks => Interlocked.Read(ref _budgetFallbacks);

    /// <summary>The database while connected; null while the failure policies apply.</summary>
    public IDatabase? Database => Connection.Database;

    /// <summary>Now, in Unix milliseconds, from the injected clock: scripts take the time as an argument rather than reading Redis TIME, so tests can move it.</summary>
    public long NowMilliseconds => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    public DateTimeOffset Now => _timeProvider.GetUtcNow();

    /// <summary>Called after each heartbeat that reached Redis (the budget ledger pushes spend settled while Redis was down).</summary>
    public event Func<CancellationToken, Task>? Beat;

    public void CountFallback(string state)
    {
        Interlocked.Increment(ref state == LimitsState ? ref _limitFallbacks : ref _budgetFallbacks);
        _fallbacks.Add(1, new KeyValuePair<string, object?>("state", state));
    }

    /// <summary>Failures that mean "Redis is not answering": the caller applies the policy rather than failing the call.</summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException or ObjectDisposedException
            || (exception is RedisServerException server && server.Message.StartsWith("LOADING", StringComparison.Ordinal));

    /// <summary>Announces this replica and reads how many are alive; then lets listeners catch up.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        if (Database is not { } db)
        {
            return;
        }

        var now = NowMilliseconds;
        var key = Connection.Key(RedisKeys.Replicas);
        var batch = db.CreateBatch();
        var added = batch.SortedSetAddAsync(key, ReplicaId, now);
        var pruned = batch.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, now - (3_000L * Options.HeartbeatSeconds));
        var counted = batch.SortedSetLengthAsync(key);
        batch.Execute();
        await Task.WhenAll(added, pruned, counted).WaitAsync(cancellationToken);
        _replicas = (int)Math.Max(1, counted.Result);
        if (Beat is { } beat)
        {
            await beat(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BeatAsync(stoppingToken);
            }
            catch (Exception ex) when (IsUnreachable(ex) || ex is RedisException)
            {
                // Down: the count stays at its last value (the connection logs the transition).
            }

            await Task.Delay(TimeSpan.FromSeconds(Options.HeartbeatSeconds), _timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override void Dispose()
    {
        _ownMeter?.Dispose();
        base.Dispose();
    }
}
