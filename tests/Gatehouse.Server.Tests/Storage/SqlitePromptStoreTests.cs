using Gatehouse.Storage;

namespace Gatehouse.Tests.Storage;

public sealed class SqlitePromptStoreTests : PromptStoreContract, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private protected override async Task<IPromptStore> CreateStoreAsync()
        => new SqlitePromptStore(await _database.MigrateAsync());

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
