using Gatehouse.Storage;
using Gatehouse.Storage.PostgreSql;

namespace Gatehouse.Tests.Storage.PostgreSql;

public sealed class PostgreSqlKeyStoreTests : KeyStoreContract, IAsyncDisposable
{
    private PostgreSqlTestDatabase? _database;

    protected override async Task<IKeyStore> CreateStoreAsync()
    {
        _database ??= await PostgreSqlTestDatabase.CreateAsync();
        return new PostgreSqlKeyStore(await _database.MigrateAsync());
    }

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
