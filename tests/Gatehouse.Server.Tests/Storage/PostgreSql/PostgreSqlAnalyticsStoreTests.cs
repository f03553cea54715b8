using Gatehouse.Storage.PostgreSql;

namespace Gatehouse.Tests.Storage.PostgreSql;

public sealed class PostgreSqlAnalyticsStoreTests : AnalyticsStoreContract, IAsyncDisposable
{
    private PostgreSqlTestDatabase? _database;

    private protected override async Task<AnalyticsStores> CreateStoresAsync()
    {
        _database ??= await PostgreSqlTestDatabase.CreateAsync();
        var database = await _database.MigrateAsync();
        return new AnalyticsStores(
            new PostgreSqlAnalyticsStore(database), new PostgreSqlExecutionStore(database), new PostgreSqlRequestRecordStore(database), new PostgreSqlKeyStore(database));
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
