using System.Diagnostics.Metrics;
using Gatehouse.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// What the shared limiters and the shared budget ledger have in common: the connection, the
/// policy for when Redis is unreachable, the replica count that divides caps then (each replica
/// announces itself every <c>HeartbeatSeconds</c>; the last count seen is kept while Redis is
/// down), and the fallback metric and log: each switch between shared limits and the policy is
/// logged once, every call the policy decides is counted.
/// </summary>
internal sealed partial class RedisSharedState : BackgroundService
{
    public const string LimitsState = "limits";
    public const string BudgetsState = "budgets";

    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Meter? _ownMeter;
    private readonly Counter<long> _fallbacks;
    private long _limitFallbacks;
    private long _budgetFallbacks;
    private volatile int _replicas = 1;
    private int _limitsByPolicy; // 1 while the policy decides limits: so each switch is logged once

    public RedisSharedState(RedisConnection connection, IOptions<GatehouseOptions> options, TimeProvider timeProvider, IMeterFactory meterFactory, ILogger<RedisSharedState> logger)
        : this(connection, options.Value.Redis, timeProvider, meterFactory, logger)
    {
    }

    public RedisSharedState(RedisConnection connection, RedisOptions options, TimeProvider timeProvider, IMeterFactory? meterFactory = null, ILogger? logger = null)
    {
        Connection = connection;
        Options = options;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger.Instance;
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

    /// <summary>True while the <c>LimitsWhenUnreachable</c> policy decides limits (from the first call it decided to the first shared one).</summary>
    public bool LimitsByPolicy => Volatile.Read(ref _limitsByPolicy) == 1;

    /// <summary>Now, in Unix milliseconds, from the injected clock. The limit scripts do not use it: they read Redis TIME, one clock for every replica.</summary>
    public long NowMilliseconds => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    public DateTimeOffset Now => _timeProvider.GetUtcNow();

    /// <summary>Called after each heartbeat that reached Redis (the budget ledger pushes spend settled while Redis was down).</summary>
    public event Func<CancellationToken, Task>? Beat;

    /// <summary>A unique member for a request log or a lease set: this replica's id and a fresh suffix.</summary>
    public string NewMember() => ReplicaId + ":" + Guid.NewGuid().ToString("N");

    /// <summary>A limit the policy decided (Redis unreachable): counted, and logged when it is the first since limits were shared.</summary>
    public void LimitsDecidedByPolicy()
    {
        CountFallback(LimitsState);
        if (Volatile.Read(ref _limitsByPolicy) == 0 && Interlocked.Exchange(ref _limitsByPolicy, 1) == 0)
        {
            LogLimitsByPolicy(_logger, Options.LimitsWhenUnreachable, _replicas);
        }
    }

    /// <summary>A limit decided in Redis: logged when it is the first since the policy decided.</summary>
    public void LimitsShared()
    {
        if (Volatile.Read(ref _limitsByPolicy) == 1 && Interlocked.Exchange(ref _limitsByPolicy, 0) == 1)
        {
            LogLimitsShared(_logger);
        }
    }

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

        var counted = (long)(await db.ScriptEvaluateAsync(
            LimitScripts.Heartbeat,
            [Connection.Key(RedisKeys.Replicas)],
            [ReplicaId, 3_000L * Options.HeartbeatSeconds]).WaitAsync(cancellationToken));
        _replicas = (int)Math.Max(1, counted);
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

    /// <summary>A replica that stops says so, so the others stop counting it at once rather than after three missed beats.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Database is { } db)
        {
            try
            {
                db.SortedSetRemove(Connection.Key(RedisKeys.Replicas), ReplicaId, CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (IsUnreachable(ex))
            {
                // Forgotten after three missed beats.
            }
        }
    }

    public override void Dispose()
    {
        _ownMeter?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Redis is unreachable: limits follow Gatehouse:Redis:LimitsWhenUnreachable = {Policy} (last known replica count {Replicas}) until it returns.")]
    private static partial void LogLimitsByPolicy(ILogger logger, RedisLimitsPolicy policy, int replicas);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Redis is reachable again: limits are shared across replicas.")]
    private static partial void LogLimitsShared(ILogger logger);
}
