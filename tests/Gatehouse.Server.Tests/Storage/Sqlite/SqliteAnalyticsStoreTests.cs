using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;
using Xunit;

namespace Gatehouse.Tests.Storage.Sqlite;

public sealed class SqliteAnalyticsStoreTests : AnalyticsStoreContract, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private protected override async Task<AnalyticsStores> CreateStoresAsync()
    {
        var database = await _database.MigrateAsync();
        return new AnalyticsStores(
            new SqliteAnalyticsStore(database), new SqliteExecutionStore(database), new SqliteRequestRecordStore(database), new SqliteKeyStore(database));
    }

    private protected override async Task<(AnalyticsStores Stores, Func<Task> MigrateRest)> CreateStoresBeforeRollupsAsync()
    {
        var database = _database.Database;
        await _database.CreateMigrator([.. MigrationCatalog.Sqlite.All.Where(static m => m.Version < 9)]).MigrateAsync(TestContext.Current.CancellationToken);
        var stores = new AnalyticsStores(
            new SqliteAnalyticsStore(database), new SqliteExecutionStore(database), new SqliteRequestRecordStore(database), new SqliteKeyStore(database));
        return (stores, () => _database.CreateMigrator().MigrateAsync(TestContext.Current.CancellationToken));
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
