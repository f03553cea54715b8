using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;

namespace Gatehouse.Tests.Storage.Sqlite;

public sealed class SqlitePromptStoreTests : PromptStoreContract, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private protected override async Task<IPromptStore> CreateStoreAsync()
        => new SqlitePromptStore(await _database.MigrateAsync());

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
