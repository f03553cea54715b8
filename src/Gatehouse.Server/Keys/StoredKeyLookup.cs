using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gatehouse.Storage;

namespace Gatehouse.Keys;

/// <summary>
/// Learns keys other replicas created, from the shared store, the first time one is presented here:
/// a key created through replica A works on B at once, not only after B applies A's notice. This is
/// the only place a call can wait on the database, and only for a well-formed key the registry does
/// not know, so it is bounded on every side: one lookup per hash at a time (callers share it), at most
/// <see cref="MaxConcurrentLookups"/> in flight (the others wait their turn, and a key still waiting
/// after <see cref="LookupTimeout"/> is refused as unknown without a query, so a flood of made-up keys
/// cannot load the database beyond that many point reads), each cut off after that timeout, a hash found absent not looked up again for <see cref="AbsentFor"/>
/// (keys are never deleted, and a secret is random, so an absent one is a typo or a guess), and no
/// lookups for <see cref="PauseAfterFailure"/> after the store fails (it is unreachable, and every
/// unknown key would otherwise wait out the timeout).
/// </summary>
internal sealed partial class StoredKeyLookup : IUnknownKeyLookup, IDisposable
{
    public const int MaxConcurrentLookups = 16;
    public const int MaxAbsentHashes = 100_000;
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan AbsentFor = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan PauseAfterFailure = TimeSpan.FromSeconds(5);

    private readonly IKeyStore _store;
    private readonly IKeyRegistry _registry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Counter<long> _lookups;
    private readonly SemaphoreSlim _slots = new(MaxConcurrentLookups, MaxConcurrentLookups);
    private readonly ConcurrentDictionary<string, Task<bool>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _absentUntil = new(StringComparer.Ordinal);
    private long _pausedUntilTicks;

    public StoredKeyLookup(IKeyStore store, IKeyRegistry registry, TimeProvider timeProvider, IMeterFactory meterFactory, ILogger<StoredKeyLookup> logger)
    {
        _store = store;
        _registry = registry;
        _timeProvider = timeProvider;
        _logger = logger;
        _lookups = meterFactory.Create(Hosting.GatehouseTelemetry.MeterName).CreateCounter<long>(
            "gatehouse.keys.store_lookups",
            unit: "{lookup}",
            description: "Keys this replica did not know, by outcome: found (learned from the store), absent, shed (too many lookups at once), failed (the store did not answer), paused (skipped after a failure), remembered_absent.");
    }

    public bool CanLearn => true;

    public Task<bool> TryLearnAsync(string keyHash, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _pausedUntilTicks))
        {
            return Counted(false, "paused");
        }

        if (_absentUntil.TryGetValue(keyHash, out var until) && now < until)
        {
            return Counted(false, "remembered_absent");
        }

        var mine = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _inFlight.GetOrAdd(keyHash, mine.Task);
        if (shared == mine.Task)
        {
            _ = LookUpAsync(keyHash, mine);
        }

        // A caller that leaves stops waiting; the lookup itself finishes for whoever else asked.
        return shared.WaitAsync(cancellationToken);
    }

    public void Dispose() => _slots.Dispose();

    private async Task LookUpAsync(string keyHash, TaskCompletionSource<bool> completion)
    {
        var learned = false;
        try
        {
            learned = await QueryAsync(keyHash);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task<bool>>(keyHash, completion.Task));
            completion.SetResult(learned);
        }
    }

    private async Task<bool> QueryAsync(string keyHash)
    {
        // One deadline for the wait for a slot and the query: a key learned late is still refused.
        using var timeout = new CancellationTokenSource(LookupTimeout, _timeProvider);
        try
        {
            await _slots.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "shed"));
            return false;
        }

        try
        {
            var key = await _store.GetByHashAsync(keyHash, timeout.Token);
            if (key is null)
            {
                RememberAbsent(keyHash);
                _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "absent"));
                return false;
            }

            // TryAdd, not Put: if a notice or reload put this key meanwhile, its copy is as new as
            // ours or newer (a revocation read after our read), and must not be overwritten.
            _registry.TryAdd(key);
            _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "found"));
            LogLearned(_logger, key.Id);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Exchange(ref _pausedUntilTicks, (_timeProvider.GetUtcNow() + PauseAfterFailure).UtcTicks);
            _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            LogLookupFailed(_logger, PauseAfterFailure.TotalSeconds, ex);
            return false;
        }
        finally
        {
            _slots.Release();
        }
    }

    private void RememberAbsent(string keyHash)
    {
        // Bounded: past the cap the memory of absent hashes starts over (they are only an optimisation).
        if (_absentUntil.Count >= MaxAbsentHashes)
        {
            _absentUntil.Clear();
        }

        _absentUntil[keyHash] = _timeProvider.GetUtcNow() + AbsentFor;
    }

    private Task<bool> Counted(bool result, string outcome)
    {
        _lookups.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        return Task.FromResult(result);
    }

    [LoggerMessage(EventId = 2311, Level = LogLevel.Debug, Message = "Learned key {KeyId} from the store (created by another replica, its notice not applied here yet).")]
    private static partial void LogLearned(ILogger logger, string keyId);

    [LoggerMessage(EventId = 2312, Level = LogLevel.Warning, Message = "Could not look an unknown key up in the store; unknown keys are refused without a lookup for the next {Seconds} s.")]
    private static partial void LogLookupFailed(ILogger logger, double seconds, Exception exception);
}
