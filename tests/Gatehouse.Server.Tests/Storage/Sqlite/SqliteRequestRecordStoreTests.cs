using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;

namespace Gatehouse.Tests.Storage.Sqlite;

public sealed class SqliteRequestRecordStoreTests : RequestRecordStoreContract, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    protected override async Task<IRequestRecordStore> CreateStoreAsync()
        => new SqliteRequestRecordStore(await _database.MigrateAsync());

    protected override IKeyStore KeyStore() => new SqliteKeyStore(_database.Database);

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
