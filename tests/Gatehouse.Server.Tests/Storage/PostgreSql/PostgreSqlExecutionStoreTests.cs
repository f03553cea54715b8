using Gatehouse.Storage;
using Gatehouse.Storage.PostgreSql;

namespace Gatehouse.Tests.Storage.PostgreSql;

public sealed class PostgreSqlExecutionStoreTests : ExecutionStoreContract, IAsyncDisposable
{
    private PostgreSqlTestDatabase? _database;

    private protected override async Task<IExecutionStore> CreateStoreAsync()
    {
        _database ??= await PostgreSqlTestDatabase.CreateAsync();
        return new PostgreSqlExecutionStore(await _database.MigrateAsync());
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
