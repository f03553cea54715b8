using Gatehouse.Storage;
using Xunit;

namespace Gatehouse.Tests.Storage;

/// <summary>What every <see cref="ISettingsStore"/> must do. A database gets these tests by subclassing.</summary>
public abstract class SettingsStoreContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store over a freshly migrated, empty database.</summary>
    protected abstract Task<ISettingsStore> CreateStoreAsync();

    [Fact]
    public async Task Get_Missing_ReturnsNull()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.GetAsync("master_key_hash", Ct));
    }

    [Fact]
    public async Task GetOrAdd_Missing_StoresAndReturnsValue()
    {
        var store = await CreateStoreAsync();

        Assert.Equal("v1", await store.GetOrAddAsync("name", "v1", Ct));
        Assert.Equal("v1", await store.GetAsync("name", Ct));
    }

    [Fact]
    public async Task GetOrAdd_Existing_KeepsStoredValue()
    {
        var store = await CreateStoreAsync();
        await store.GetOrAddAsync("name", "first", Ct);

        Assert.Equal("first", await store.GetOrAddAsync("name", "second", Ct));
        Assert.Equal("first", await store.GetAsync("name", Ct));
    }

    [Fact]
    public async Task Set_ReplacesTheValue_AndNullRemovesIt()
    {
        var store = await CreateStoreAsync();
        await store.GetOrAddAsync("name", "first", Ct);

        await store.SetAsync("name", "second", Ct);
        Assert.Equal("second", await store.GetAsync("name", Ct));

        await store.SetAsync("name", null, Ct);
        Assert.Null(await store.GetAsync("name", Ct));
        await store.SetAsync("fresh", "value", Ct);
        Assert.Equal("value", await store.GetAsync("fresh", Ct));
    }

    [Fact]
    public async Task GetOrAdd_NamesAreIndependent()
    {
        var store = await CreateStoreAsync();

        await store.GetOrAddAsync("a", "1", Ct);
        await store.GetOrAddAsync("b", "2", Ct);

        Assert.Equal("1", await store.GetAsync("a", Ct));
        Assert.Equal("2", await store.GetAsync("b", Ct));
    }

    [Fact]
    public async Task GetOrAdd_ConcurrentCalls_AllAgreeOnOneValue()
    {
        var store = await CreateStoreAsync();
        var candidates = Enumerable.Range(0, 32).Select(i => $"value-{i}").ToList();

        var results = await Task.WhenAll(candidates.Select(value => Task.Run(() => store.GetOrAddAsync("race", value, Ct), Ct)));

        var winner = Assert.Single(results.Distinct());
        Assert.Contains(winner, candidates);
        Assert.Equal(winner, await store.GetAsync("race", Ct));
    }

    [Fact]
    public async Task GetOrAdd_PreservesValueExactly()
    {
        var store = await CreateStoreAsync();
        const string value = "  sha256:ÄÖÜ \"quoted\"\n\t{}  ";

        Assert.Equal(value, await store.GetOrAddAsync("exact", value, Ct));
        Assert.Equal(value, await store.GetAsync("exact", Ct));
    }
}
