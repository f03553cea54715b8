using Gatehouse.Storage;
using Gatehouse.Storage.PostgreSql;
using Xunit;

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

    private protected override async Task<(AnalyticsStores Stores, Func<Task> MigrateRest)> CreateStoresBeforeRollupsAsync()
    {
        _database ??= await PostgreSqlTestDatabase.CreateAsync();
        var test = _database;
        await test.CreateMigrator([.. MigrationCatalog.PostgreSql.All.Where(static m => m.Version < 2)]).MigrateAsync(TestContext.Current.CancellationToken);
        var database = test.Database;
        var stores = new AnalyticsStores(
            new PostgreSqlAnalyticsStore(database), new PostgreSqlExecutionStore(database), new PostgreSqlRequestRecordStore(database), new PostgreSqlKeyStore(database));
        return (stores, () => test.CreateMigrator().MigrateAsync(TestContext.Current.CancellationToken));
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
