using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;

namespace Gatehouse.Tests.Storage.Sqlite;

public sealed class SqliteKeyStoreTests : KeyStoreContract, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override async Task<IKeyStore> CreateStoreAsync()
        => new SqliteKeyStore(await _database.MigrateAsync());

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
