using System.Diagnostics.Metrics;
using Gatehouse.Hosting;
using Gatehouse.Keys;
using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;
using Gatehouse.Tests.Storage.Sqlite;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Keys;

/// <summary>
/// A key another replica stored, unknown to this replica's registry, is learned from the store on
/// first use; the lookup is bounded (shared per hash, capped in flight, absent hashes remembered,
/// paused after the store fails). On a real SQLite store; only the concurrency tests hold its answer back.
/// </summary>
public sealed class StoredKeyLookupTests : IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly KeyRegistry _registry;

    public StoredKeyLookupTests() => _registry = new KeyRegistry(_time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _metrics.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task AKeyStoredElsewhere_IsValidOnFirstUse_AndKnownAfterwards()
    {
        var store = await StoreAsync();
        var (key, secret) = NewKey("elsewhere");
        await store.InsertAsync(key, Ct);
        var (authenticator, lookups) = Create(store);

        Assert.Equal(KeyCheck.Unknown, _registry.Check(secret, out _));
        var first = await authenticator.CheckAsync(Request(secret), Ct);

        Assert.Equal(KeyCheck.Valid, first.Check);
        Assert.Equal("elsewhere", first.Caller!.KeyId);
        Assert.Equal(KeyCheck.Valid, _registry.Check(secret, out _));
        Assert.Equal(1, Count(lookups, "found"));

        // Known now: the second call is answered from memory, without a lookup.
        Assert.True((await authenticator.CheckAsync(Request(secret), Ct)).IsValid);
        Assert.Equal(1, lookups.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task ARevokedKeyStoredElsewhere_IsRefusedAsRevoked()
    {
        var store = await StoreAsync();
        var (key, secret) = NewKey("revoked-elsewhere");
        await store.InsertAsync(key with { RevokedAt = _time.GetUtcNow() }, Ct);
        var (authenticator, _) = Create(store);

        Assert.Equal(KeyCheck.Revoked, (await authenticator.CheckAsync(Request(secret), Ct)).Check);
    }

    [Fact]
    public async Task ALearnedKey_NeverOverwritesACopyThatArrivedMeanwhile()
    {
        var store = await StoreAsync();
        var (key, secret) = NewKey("raced");
        await store.InsertAsync(key, Ct);
        var gated = new GatedKeyStore(store);
        var (authenticator, _) = Create(gated);

        var pending = authenticator.CheckAsync(Request(secret), Ct).AsTask();
        await gated.Started.Task.WaitAsync(Ct);

        // The revocation's notice is applied while the lookup (which read the key unrevoked) is in flight.
        _registry.Put(key with { RevokedAt = _time.GetUtcNow() });
        gated.Release.SetResult();

        Assert.Equal(KeyCheck.Revoked, (await pending).Check);
        Assert.Equal(KeyCheck.Revoked, _registry.Check(secret, out _));
    }

    [Fact]
    public async Task AnAbsentKey_IsRememberedForAMinute_ThenLookedUpAgain()
    {
        var store = await StoreAsync();
        var (key, secret) = NewKey("later");
        var (authenticator, lookups) = Create(store);

        Assert.Equal(KeyCheck.Unknown, (await authenticator.CheckAsync(Request(secret), Ct)).Check);
        Assert.Equal(1, Count(lookups, "absent"));

        await store.InsertAsync(key, Ct);
        Assert.Equal(KeyCheck.Unknown, (await authenticator.CheckAsync(Request(secret), Ct)).Check);
        Assert.Equal(1, Count(lookups, "remembered_absent"));

        _time.Advance(StoredKeyLookup.AbsentFor + TimeSpan.FromSeconds(1));
        Assert.Equal(KeyCheck.Valid, (await authenticator.CheckAsync(Request(secret), Ct)).Check);
        Assert.Equal(1, Count(lookups, "found"));
    }

    [Fact]
    public async Task CallersPresentingOneUnknownKey_ShareOneLookup()
    {
        var store = await StoreAsync();
        var (key, secret) = NewKey("shared");
        await store.InsertAsync(key, Ct);
        var gated = new GatedKeyStore(store);
        var (authenticator, _) = Create(gated);

        var checks = Enumerable.Range(0, 10).Select(_ => authenticator.CheckAsync(Request(secret), Ct).AsTask()).ToArray();
        await gated.Started.Task.WaitAsync(Ct);
        gated.Release.SetResult();

        Assert.All(await Task.WhenAll(checks), c => Assert.Equal(KeyCheck.Valid, c.Check));
        Assert.Equal(1, gated.Queries);
    }

    [Fact]
    public async Task BeyondTheCapInFlight_AnUnknownKeyWaitsItsTurn_AndIsRefusedWithoutAQueryAfterTheTimeout()
    {
        var gated = new GatedKeyStore(await StoreAsync());
        var (authenticator, lookups) = Create(gated);

        var held = Enumerable.Range(0, StoredKeyLookup.MaxConcurrentLookups)
            .Select(i => authenticator.CheckAsync(Request(NewKey($"held-{i}").Secret), Ct).AsTask()).ToArray();
        await WaitForAsync(() => gated.Queries == StoredKeyLookup.MaxConcurrentLookups);

        var waiting = authenticator.CheckAsync(Request(NewKey("one-too-many").Secret), Ct).AsTask();
        Assert.False(waiting.IsCompleted);

        // Every slot stays taken for the whole timeout: the waiting key is refused, never queried.
        _time.Advance(StoredKeyLookup.LookupTimeout);
        Assert.Equal(KeyCheck.Unknown, (await waiting).Check);
        Assert.Equal(StoredKeyLookup.MaxConcurrentLookups, gated.Queries);
        Assert.Equal(1, Count(lookups, "shed"));
        gated.Release.SetResult();
        Assert.All(await Task.WhenAll(held), c => Assert.Equal(KeyCheck.Unknown, c.Check));
    }

    [Fact]
    public async Task AKeyWaitingForASlot_IsLookedUpWhenOneFrees()
    {
        var store = await StoreAsync();
        var gated = new GatedKeyStore(store);
        var (key, secret) = NewKey("patient");
        await store.InsertAsync(key, Ct);
        var (authenticator, _) = Create(gated);

        var held = Enumerable.Range(0, StoredKeyLookup.MaxConcurrentLookups)
            .Select(i => authenticator.CheckAsync(Request(NewKey($"held-{i}").Secret), Ct).AsTask()).ToArray();
        await WaitForAsync(() => gated.Queries == StoredKeyLookup.MaxConcurrentLookups);
        var waiting = authenticator.CheckAsync(Request(secret), Ct).AsTask();

        gated.Release.SetResult();

        Assert.Equal(KeyCheck.Valid, (await waiting).Check);
        await Task.WhenAll(held);
    }

    [Fact]
    public async Task AFailingStore_PausesLookups_ThenTheyResume()
    {
        // Never migrated: every query fails ("no such table"), as a store that cannot answer does.
        var broken = new SqliteKeyStore(_database.Database);
        var (authenticator, lookups) = Create(broken);

        Assert.Equal(KeyCheck.Unknown, (await authenticator.CheckAsync(Request(NewKey("a").Secret), Ct)).Check);
        Assert.Equal(1, Count(lookups, "failed"));
        Assert.Equal(KeyCheck.Unknown, (await authenticator.CheckAsync(Request(NewKey("b").Secret), Ct)).Check);
        Assert.Equal(1, Count(lookups, "paused"));

        var store = await StoreAsync();
        var (key, secret) = NewKey("after-the-pause");
        await store.InsertAsync(key, Ct);
        _time.Advance(StoredKeyLookup.PauseAfterFailure + TimeSpan.FromSeconds(1));

        Assert.Equal(KeyCheck.Valid, (await authenticator.CheckAsync(Request(secret), Ct)).Check);
    }

    [Fact]
    public async Task AKeyNotShapedLikeOurs_IsNotLookedUp()
    {
        var gated = new GatedKeyStore(await StoreAsync());
        gated.Release.SetResult();
        var (authenticator, _) = Create(gated);

        Assert.Equal(KeyCheck.Unknown, (await authenticator.CheckAsync(Request("not-a-gatehouse-key"), Ct)).Check);
        Assert.Equal(KeyCheck.Unknown, (await authenticator.CheckAsync(Request(ApiKeyGenerator.SecretPrefix + new string('a', 200)), Ct)).Check);
        Assert.Equal(0, gated.Queries);
    }

    [Fact]
    public async Task WithoutAStoreLookup_AnUnknownKeyIsUnknown()
    {
        var store = await StoreAsync();
        var (key, secret) = NewKey("embedded");
        await store.InsertAsync(key, Ct);
        var authenticator = new KeyAuthenticator(_registry, NoUnknownKeyLookup.Instance);

        Assert.Equal(KeyCheck.Unknown, (await authenticator.CheckAsync(Request(secret), Ct)).Check);
    }

    private async Task<IKeyStore> StoreAsync() => new SqliteKeyStore(await _database.MigrateAsync());

    private (KeyAuthenticator Authenticator, MetricCollector<long> Lookups) Create(IKeyStore store)
    {
        var meters = _metrics.GetRequiredService<IMeterFactory>();
        var lookups = new MetricCollector<long>(meters, GatehouseTelemetry.MeterName, "gatehouse.keys.store_lookups");
        var lookup = new StoredKeyLookup(store, _registry, _time, meters, NullLogger<StoredKeyLookup>.Instance);
        return (new KeyAuthenticator(_registry, lookup), lookups);
    }

    private (VirtualKey Key, string Secret) NewKey(string id)
    {
        var secret = ApiKeyGenerator.NewSecret();
        return (new VirtualKey
        {
            Id = id,
            Name = id,
            KeyHash = KeyHasher.Hash(secret),
            Prefix = secret[..ApiKeyGenerator.VisiblePrefixLength],
            CreatedAt = _time.GetUtcNow(),
        }, secret);
    }

    private static HttpRequest Request(string secret)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + secret;
        return context.Request;
    }

    private static long Count(MetricCollector<long> lookups, string outcome) =>
        lookups.GetMeasurementSnapshot().Where(m => Equals(m.Tags["outcome"], outcome)).Sum(m => m.Value);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 3000, "the lookups did not start");
            await Task.Delay(10, Ct);
        }
    }

    /// <summary>The real store, with its answers held until <see cref="Release"/>: what makes lookups overlap on purpose.</summary>
    private sealed class GatedKeyStore(IKeyStore inner) : IKeyStore
    {
        private int _queries;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Queries => Volatile.Read(ref _queries);

        public async Task<VirtualKey?> GetByHashAsync(string keyHash, CancellationToken cancellationToken)
        {
            var key = await inner.GetByHashAsync(keyHash, cancellationToken);
            Interlocked.Increment(ref _queries);
            Started.TrySetResult();
            // Not cancellable: a held query keeps its slot past any deadline, as a slow database's would.
            await Release.Task;
            return key;
        }

        public Task InsertAsync(VirtualKey key, CancellationToken cancellationToken) => inner.InsertAsync(key, cancellationToken);

        public Task<IReadOnlyList<VirtualKey>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task<VirtualKey?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public Task<bool> UpdateSettingsAsync(string id, KeySettingsChange change, CancellationToken cancellationToken) => inner.UpdateSettingsAsync(id, change, cancellationToken);

        public Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken) => inner.RevokeAsync(id, revokedAt, cancellationToken);
    }
}
