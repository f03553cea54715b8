using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;

namespace Gatehouse.Tests.Storage.Sqlite;

public sealed class SqliteBudgetStoreTests : BudgetStoreContract, IAsyncDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private protected override async Task<IBudgetStore> CreateStoreAsync()
        => new SqliteBudgetStore(await _database.MigrateAsync());

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
