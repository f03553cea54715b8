using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Storage.Sqlite;

/// <summary>A SQLite file in its own temporary directory, deleted (with its WAL files) on dispose.</summary>
internal sealed class SqliteTestDatabase : IAsyncDisposable
{
    public SqliteTestDatabase()
    {
        DirectoryPath = Path.Combine(Path.GetTempPath(), "gatehouse-tests", Guid.NewGuid().ToString("N"));
        Database = new SqliteDatabase(Path.Combine(DirectoryPath, "gatehouse.db"));
    }

    public string DirectoryPath { get; }

    public SqliteDatabase Database { get; }

    public SqliteMigrator CreateMigrator(IReadOnlyList<Migration>? migrations = null)
        => migrations is null
            ? new SqliteMigrator(Database, new FakeTimeProvider())
            : new SqliteMigrator(Database, new FakeTimeProvider(), migrations);

    public async Task<SqliteDatabase> MigrateAsync()
    {
        await CreateMigrator().MigrateAsync(TestContext.Current.CancellationToken);
        return Database;
    }

    public ValueTask DisposeAsync()
    {
        Database.Dispose();
        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (IOException)
        {
            // A connection still open elsewhere; the OS temp cleaner will get it.
        }

        return ValueTask.CompletedTask;
    }
}
