using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;

namespace Gatehouse.Tests.Storage.Sqlite;

public sealed class SqliteExecutionStoreTests : ExecutionStoreContract, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private protected override async Task<IExecutionStore> CreateStoreAsync()
        => new SqliteExecutionStore(await _database.MigrateAsync());

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
