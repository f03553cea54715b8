using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;

namespace Gatehouse.Tests.Storage.Sqlite;

public sealed class SqliteSettingsStoreTests : SettingsStoreContract, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override async Task<ISettingsStore> CreateStoreAsync()
        => new SqliteSettingsStore(await _database.MigrateAsync());

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
