using Gatehouse.Storage;
using Gatehouse.Storage.PostgreSql;

namespace Gatehouse.Tests.Storage.PostgreSql;

public sealed class PostgreSqlRequestRecordStoreTests : RequestRecordStoreContract, IAsyncDisposable
{
    private PostgreSqlTestDatabase? _database;

    protected override async Task<IRequestRecordStore> CreateStoreAsync()
    {
        _database ??= await PostgreSqlTestDatabase.CreateAsync();
        return new PostgreSqlRequestRecordStore(await _database.MigrateAsync());
    }

    protected override IKeyStore KeyStore()
        => new PostgreSqlKeyStore((_database ?? throw new InvalidOperationException("CreateStoreAsync comes first.")).Database);

    public ValueTask DisposeAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
