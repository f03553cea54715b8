using Gatehouse.Storage;
using Gatehouse.Storage.PostgreSql;

namespace Gatehouse.Tests.Storage.PostgreSql;

public sealed class PostgreSqlBudgetStoreTests : BudgetStoreContract, IAsyncDisposable
{
    private PostgreSqlTestDatabase? _database;

    private protected override async Task<IBudgetStore> CreateStoreAsync()
    {
        _database ??= await PostgreSqlTestDatabase.CreateAsync();
        return new PostgreSqlBudgetStore(await _database.MigrateAsync());
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
