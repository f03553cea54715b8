using Gatehouse.Storage;
using Gatehouse.Storage.PostgreSql;

namespace Gatehouse.Tests.Storage.PostgreSql;

public sealed class PostgreSqlPromptStoreTests : PromptStoreContract, IAsyncDisposable
{
    private PostgreSqlTestDatabase? _database;

    private protected override async Task<IPromptStore> CreateStoreAsync()
    {
        _database ??= await PostgreSqlTestDatabase.CreateAsync();
        return new PostgreSqlPromptStore(await _database.MigrateAsync());
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
