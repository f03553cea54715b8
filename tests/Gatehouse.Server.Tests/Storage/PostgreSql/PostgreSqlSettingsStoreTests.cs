using Gatehouse.Storage;
using Gatehouse.Storage.PostgreSql;

namespace Gatehouse.Tests.Storage.PostgreSql;

public sealed class PostgreSqlSettingsStoreTests : SettingsStoreContract, IAsyncDisposable
{
    private PostgreSqlTestDatabase? _database;

    protected override async Task<ISettingsStore> CreateStoreAsync()
    {
        _database ??= await PostgreSqlTestDatabase.CreateAsync();
        return new PostgreSqlSettingsStore(await _database.MigrateAsync());
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
