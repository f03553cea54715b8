using Gatehouse.Storage.Sqlite;

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

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
