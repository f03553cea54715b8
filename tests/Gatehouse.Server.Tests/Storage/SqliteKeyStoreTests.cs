using Gatehouse.Storage;

namespace Gatehouse.Tests.Storage;

public sealed class SqliteKeyStoreTests : KeyStoreContract, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override async Task<IKeyStore> CreateStoreAsync()
        => new SqliteKeyStore(await _database.MigrateAsync());

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
