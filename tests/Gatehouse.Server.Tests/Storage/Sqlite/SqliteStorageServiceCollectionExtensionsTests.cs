using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gatehouse.Tests.Storage.Sqlite;

public sealed class SqliteStorageServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gatehouse-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddSqliteStorage_RegistersSingletonStores_ThatWorkAfterMigration()
    {
        await using (var provider = new ServiceCollection().AddSqliteStorage(Path.Combine(_directory, "nested", "g.db")).BuildServiceProvider())
        {
            await provider.GetRequiredService<IDatabaseMigrator>().MigrateAsync(Ct);

            Assert.Same(provider.GetRequiredService<IRequestRecordStore>(), provider.GetRequiredService<IRequestRecordStore>());
            Assert.IsType<SqliteKeyStore>(provider.GetRequiredService<IKeyStore>());
            Assert.IsType<SqliteMigrator>(provider.GetRequiredService<IDatabaseMigrator>());
            var settings = provider.GetRequiredService<ISettingsStore>();
            Assert.Equal("v", await settings.GetOrAddAsync("n", "v", Ct));
        }

        Assert.True(File.Exists(Path.Combine(_directory, "nested", "g.db")));
    }

    [Fact]
    public void AddSqliteStorage_KeepsEarlierRegistrations()
    {
        var services = new ServiceCollection();
        var custom = new FakeSettingsStore();
        services.AddSingleton<ISettingsStore>(custom);

        services.AddSqliteStorage(Path.Combine(_directory, "g.db"));
        services.AddSqliteStorage(Path.Combine(_directory, "g.db"));

        using var provider = services.BuildServiceProvider();
        Assert.Same(custom, provider.GetRequiredService<ISettingsStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IKeyStore));
        Assert.Single(services, d => d.ServiceType == typeof(IDatabaseMigrator));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private sealed class FakeSettingsStore : ISettingsStore
    {
        public Task<string?> GetAsync(string name, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public Task<string> GetOrAddAsync(string name, string value, CancellationToken cancellationToken) => Task.FromResult(value);

        public Task SetAsync(string name, string? value, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
