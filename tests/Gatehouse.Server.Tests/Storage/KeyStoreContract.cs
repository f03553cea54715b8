using Gatehouse.Configuration;
using Gatehouse.Keys;
using Gatehouse.Routing;
using Gatehouse.Storage;
using Xunit;
using static Gatehouse.Tests.Storage.StorageTestData;

namespace Gatehouse.Tests.Storage;

/// <summary>What every <see cref="IKeyStore"/> must do. A database gets these tests by subclassing.</summary>
public abstract class KeyStoreContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store over a freshly migrated, empty database.</summary>
    protected abstract Task<IKeyStore> CreateStoreAsync();

    [Fact]
    public async Task Insert_ThenGet_RoundTripsEveryField()
    {
        var store = await CreateStoreAsync();
        var key = new VirtualKey
        {
            Id = "vk_01J9Z",
            Name = "Marketing — prod",
            Owner = "team-marketing@example.com",
            KeyHash = new string('a', 64),
            Prefix = "gh-AbC1",
            AllowedModels = ["gpt-4o-mini", "claude-sonnet", "ünïcode/model"],
            ExpiresAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5)).AddTicks(1_234_560),
            Metadata = new Dictionary<string, string> { ["team"] = "growth", ["note"] = "\"quoted\", {json}" },
            CreatedAt = BaseTime.AddTicks(10),
            RevokedAt = BaseTime.AddDays(1),
            RequestsPerMinute = 120,
            TokensPerMinute = 90_000,
            Routing = new RoutingPreferences { Strategy = RoutingStrategy.LowestLatency, Fallback = false, MaxRetries = 2 },
        };

        await store.InsertAsync(key, Ct);
        var loaded = await store.GetAsync(key.Id, Ct);

        Assert.NotNull(loaded);
        AssertSameKey(key, loaded);
        Assert.Equal(TimeSpan.Zero, loaded.CreatedAt.Offset);
    }

    [Fact]
    public async Task Insert_OptionalFieldsEmpty_RoundTripAsEmpty()
    {
        var store = await CreateStoreAsync();
        var allModels = Key("all-models");
        var noModels = Key("no-models") with { AllowedModels = [] };

        await store.InsertAsync(allModels, Ct);
        await store.InsertAsync(noModels, Ct);

        var loadedAll = await store.GetAsync(allModels.Id, Ct);
        var loadedNone = await store.GetAsync(noModels.Id, Ct);
        Assert.Null(loadedAll!.AllowedModels);
        Assert.Null(loadedAll.Owner);
        Assert.Null(loadedAll.ExpiresAt);
        Assert.Null(loadedAll.RevokedAt);
        Assert.Null(loadedAll.Routing);
        Assert.Empty(loadedAll.Metadata);
        Assert.NotNull(loadedNone!.AllowedModels);
        Assert.Empty(loadedNone.AllowedModels);
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsNull()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Key("known"), Ct);

        Assert.Null(await store.GetAsync("unknown", Ct));
    }

    [Fact]
    public async Task GetByHash_FindsTheKeyWithThatHash_RevokedToo()
    {
        var store = await CreateStoreAsync();
        var wanted = Key("wanted");
        await store.InsertAsync(Key("other"), Ct);
        await store.InsertAsync(wanted, Ct);
        await store.RevokeAsync("wanted", BaseTime.AddHours(1), Ct);

        var loaded = await store.GetByHashAsync(wanted.KeyHash, Ct);

        Assert.NotNull(loaded);
        Assert.Equal("wanted", loaded.Id);
        Assert.Equal(BaseTime.AddHours(1), loaded.RevokedAt);
        Assert.Null(await store.GetByHashAsync(Key("never-stored").KeyHash, Ct));
    }

    [Fact]
    public async Task List_ReturnsAllKeysOldestFirst_RevokedIncluded()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Key("middle", BaseTime.AddHours(1)), Ct);
        await store.InsertAsync(Key("newest", BaseTime.AddHours(2)), Ct);
        await store.InsertAsync(Key("oldest", BaseTime), Ct);
        await store.RevokeAsync("middle", BaseTime.AddHours(3), Ct);

        var keys = await store.ListAsync(Ct);

        Assert.Equal(["oldest", "middle", "newest"], keys.Select(k => k.Id));
        Assert.Equal(BaseTime.AddHours(3), keys[1].RevokedAt);
    }

    [Fact]
    public async Task List_Empty_ReturnsEmpty()
    {
        var store = await CreateStoreAsync();

        Assert.Empty(await store.ListAsync(Ct));
    }

    [Fact]
    public async Task Revoke_KnownKey_SetsRevokedAt()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Key("k1"), Ct);
        await store.InsertAsync(Key("k2"), Ct);

        Assert.True(await store.RevokeAsync("k1", BaseTime.AddMinutes(5), Ct));

        Assert.Equal(BaseTime.AddMinutes(5), (await store.GetAsync("k1", Ct))!.RevokedAt);
        Assert.Null((await store.GetAsync("k2", Ct))!.RevokedAt);
    }

    [Fact]
    public async Task Revoke_Twice_KeepsFirstTime()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Key("k1"), Ct);

        Assert.True(await store.RevokeAsync("k1", BaseTime.AddMinutes(5), Ct));
        Assert.True(await store.RevokeAsync("k1", BaseTime.AddMinutes(9), Ct));

        Assert.Equal(BaseTime.AddMinutes(5), (await store.GetAsync("k1", Ct))!.RevokedAt);
    }

    [Fact]
    public async Task UpdateRouting_ReplacesOnlyTheRoutingPreferences_AndNullClearsThem()
    {
        var store = await CreateStoreAsync();
        var key = Key("k1") with { TokensPerMinute = 500, Routing = new RoutingPreferences { Strategy = RoutingStrategy.Weighted } };
        await store.InsertAsync(key, Ct);

        var partial = new RoutingPreferences { MaxRetries = 0 };
        Assert.True(await store.UpdateSettingsAsync("k1", new KeySettingsChange { SetsRouting = true, Routing = partial }, Ct));
        var updated = (await store.GetAsync("k1", Ct))!;
        Assert.Equal(partial, updated.Routing);
        AssertSameKey(key with { Routing = partial }, updated);

        Assert.True(await store.UpdateSettingsAsync("k1", new KeySettingsChange { SetsRouting = true }, Ct));
        Assert.Null((await store.GetAsync("k1", Ct))!.Routing);
        Assert.False(await store.UpdateSettingsAsync("nope", new KeySettingsChange { SetsRouting = true, Routing = partial }, Ct));
    }

    [Fact]
    public async Task UpdateCache_ReplacesOnlyTheCacheSettings_AndNullClearsThem()
    {
        var store = await CreateStoreAsync();
        var key = Key("k1") with { Routing = new RoutingPreferences { MaxRetries = 1 }, Cache = new KeyCacheSettings { Enabled = false } };
        await store.InsertAsync(key, Ct);
        AssertSameKey(key, (await store.GetAsync("k1", Ct))!);

        var settings = new KeyCacheSettings { Enabled = true, TtlSeconds = 30, Namespace = "tenant-a" };
        Assert.True(await store.UpdateSettingsAsync("k1", new KeySettingsChange { SetsCache = true, Cache = settings }, Ct));
        AssertSameKey(key with { Cache = settings }, (await store.GetAsync("k1", Ct))!);

        Assert.True(await store.UpdateSettingsAsync("k1", new KeySettingsChange { SetsCache = true }, Ct));
        Assert.Null((await store.GetAsync("k1", Ct))!.Cache);
        Assert.False(await store.UpdateSettingsAsync("nope", new KeySettingsChange { SetsCache = true, Cache = settings }, Ct));
    }

    [Fact]
    public async Task UpdateSettings_SeveralParts_LandTogether_UnnamedPartsStay()
    {
        var store = await CreateStoreAsync();
        var key = Key("k1") with { Routing = new RoutingPreferences { MaxRetries = 1 }, Cache = new KeyCacheSettings { Enabled = false }, ToolPrefilter = false };
        await store.InsertAsync(key, Ct);

        var cache = new KeyCacheSettings { Enabled = true, Namespace = "tenant-b" };
        Assert.True(await store.UpdateSettingsAsync("k1", new KeySettingsChange { SetsCache = true, Cache = cache, SetsToolPrefilter = true, ToolPrefilter = true }, Ct));

        AssertSameKey(key with { Cache = cache, ToolPrefilter = true }, (await store.GetAsync("k1", Ct))!);
        Assert.True(await store.UpdateSettingsAsync("k1", new KeySettingsChange(), Ct));
        Assert.False(await store.UpdateSettingsAsync("nope", new KeySettingsChange(), Ct));
    }

    [Fact]
    public async Task Revoke_UnknownKey_ReturnsFalse()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Key("k1"), Ct);

        Assert.False(await store.RevokeAsync("nope", BaseTime, Ct));
        Assert.Null((await store.GetAsync("k1", Ct))!.RevokedAt);
    }

    [Fact]
    public async Task Insert_DuplicateHash_IsRejected()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Key("first", hash: new string('b', 64)), Ct);

        await Assert.ThrowsAsync<StorageConflictException>(
            () => store.InsertAsync(Key("second", hash: new string('b', 64)), Ct));

        Assert.Equal(["first"], (await store.ListAsync(Ct)).Select(k => k.Id));
    }

    [Fact]
    public async Task Insert_DuplicateId_IsRejected()
    {
        var store = await CreateStoreAsync();
        await store.InsertAsync(Key("same", hash: new string('c', 64)), Ct);

        await Assert.ThrowsAsync<StorageConflictException>(
            () => store.InsertAsync(Key("same", hash: new string('d', 64)), Ct));

        Assert.Equal(new string('c', 64), (await store.GetAsync("same", Ct))!.KeyHash);
    }

    private static void AssertSameKey(VirtualKey expected, VirtualKey actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Owner, actual.Owner);
        Assert.Equal(expected.KeyHash, actual.KeyHash);
        Assert.Equal(expected.Prefix, actual.Prefix);
        Assert.Equal(expected.AllowedModels, actual.AllowedModels);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
        Assert.Equal(
            expected.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal),
            actual.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.RevokedAt, actual.RevokedAt);
        Assert.Equal(expected.RequestsPerMinute, actual.RequestsPerMinute);
        Assert.Equal(expected.TokensPerMinute, actual.TokensPerMinute);
        Assert.Equal(expected.Routing, actual.Routing);
        Assert.Equal(expected.Cache, actual.Cache);
    }
}
