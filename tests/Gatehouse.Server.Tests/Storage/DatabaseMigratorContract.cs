using Gatehouse.Storage;
using Xunit;

namespace Gatehouse.Tests.Storage;

/// <summary>What every <see cref="IDatabaseMigrator"/> must do, on an empty database made for each test.</summary>
public abstract class DatabaseMigratorContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A migrator for the test's database with the given migrations, or the embedded ones when null.</summary>
    private protected abstract IDatabaseMigrator CreateMigrator(IReadOnlyList<Migration>? migrations = null);

    /// <summary>The database's own embedded schema, which <see cref="CreateMigrator"/> applies when given none.</summary>
    private protected abstract MigrationCatalog Catalog { get; }

    protected abstract Task ExecuteAsync(string sql);

    protected abstract Task<IReadOnlyList<(long Version, string Name)>> ReadHistoryAsync();

    protected abstract Task<bool> TableExistsAsync(string table);

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesEveryMigrationInOrder()
    {
        await CreateMigrator().MigrateAsync(Ct);

        var history = await ReadHistoryAsync();
        Assert.Equal(Catalog.All.Select(m => ((long)m.Version, m.Name)), history);
        Assert.True(await TableExistsAsync("request_records"));
        Assert.True(await TableExistsAsync("virtual_keys"));
        Assert.True(await TableExistsAsync("settings"));
    }

    [Fact]
    public async Task Migrate_RunTwice_IsIdempotent()
    {
        await CreateMigrator().MigrateAsync(Ct);
        await ExecuteAsync("INSERT INTO settings (name, value) VALUES ('kept', 'yes')");

        await CreateMigrator().MigrateAsync(Ct);

        Assert.Equal(Catalog.All.Count, (await ReadHistoryAsync()).Count);
        Assert.True(await TableExistsAsync("settings"));
    }

    [Fact]
    public async Task Migrate_ConcurrentStarts_ApplyEachMigrationOnce()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => CreateMigrator().MigrateAsync(Ct), Ct)));

        Assert.Equal(Catalog.All.Select(m => (long)m.Version), (await ReadHistoryAsync()).Select(h => h.Version));
    }

    [Fact]
    public async Task Migrate_DatabaseFromNewerBuild_FailsWithClearMessage()
    {
        await CreateMigrator().MigrateAsync(Ct);
        var future = Catalog.LatestVersion + 1;
        await ExecuteAsync($"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({future}, 'from_the_future', '2030-01-01T00:00:00.0000000Z')");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CreateMigrator().MigrateAsync(Ct));

        Assert.Contains($"schema version {future}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to version {Catalog.LatestVersion}", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer Gatehouse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_RecordedNameDiffers_Fails()
    {
        await CreateMigrator([new Migration(1, "one", "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY)")]).MigrateAsync(Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => CreateMigrator([new Migration(1, "renamed", "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY)")]).MigrateAsync(Ct));

        Assert.Contains("'renamed'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_FailingMigration_RollsBackItAndKeepsEarlierOnes()
    {
        IReadOnlyList<Migration> migrations =
        [
            new(1, "good", "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY)"),
            new(2, "bad", "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY); INSERT INTO no_such_table VALUES (1)"),
        ];

        await Assert.ThrowsAsync<InvalidOperationException>(() => CreateMigrator(migrations).MigrateAsync(Ct));

        Assert.Equal([(1L, "good")], await ReadHistoryAsync());
        Assert.True(await TableExistsAsync("t1"));
        Assert.False(await TableExistsAsync("t2"));
    }

    [Fact]
    public async Task Migrate_NewMigrationAdded_AppliesOnlyTheNewOne()
    {
        var first = new Migration(1, "one", "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY)");
        await CreateMigrator([first]).MigrateAsync(Ct);

        await CreateMigrator([first, new Migration(2, "two", "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY)")]).MigrateAsync(Ct);

        Assert.Equal([(1L, "one"), (2L, "two")], await ReadHistoryAsync());
        Assert.True(await TableExistsAsync("t2"));
    }

    [Fact]
    public async Task Migrate_GapFilledByALaterBuild_AppliesTheMissingVersion()
    {
        // Parallel branches reserve version numbers: 4 can land before 2 and 3.
        var first = new Migration(1, "one", "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY)");
        var fourth = new Migration(4, "four", "CREATE TABLE t4 (id INTEGER NOT NULL PRIMARY KEY)");
        await CreateMigrator([first, fourth]).MigrateAsync(Ct);

        await CreateMigrator([first, new Migration(2, "two", "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY)"), fourth]).MigrateAsync(Ct);

        Assert.Equal([(1L, "one"), (2L, "two"), (4L, "four")], await ReadHistoryAsync());
        Assert.True(await TableExistsAsync("t2"));
    }

    [Fact]
    public async Task Migrate_RecordedVersionThisBuildSkips_FailsWithClearMessage()
    {
        var first = new Migration(1, "one", "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY)");
        var fourth = new Migration(4, "four", "CREATE TABLE t4 (id INTEGER NOT NULL PRIMARY KEY)");
        await CreateMigrator([first, new Migration(2, "two", "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY)"), fourth]).MigrateAsync(Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CreateMigrator([first, fourth]).MigrateAsync(Ct));

        Assert.Contains("migration 2 ('two'), which this build of Gatehouse does not have", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_AppliedMigrationEditedLater_FailsWithClearMessage()
    {
        await CreateMigrator([new Migration(1, "one", "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY)")]).MigrateAsync(Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => CreateMigrator([new Migration(1, "one", "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY, extra TEXT)")]).MigrateAsync(Ct));

        Assert.Contains("Migration 0001_one was applied", error.Message, StringComparison.Ordinal);
        Assert.Contains("new migration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_SameMigrationWithOtherLineEndings_IsTheSame()
    {
        await CreateMigrator([new Migration(1, "one", "CREATE TABLE t1 (\n id INTEGER NOT NULL PRIMARY KEY\n)")]).MigrateAsync(Ct);

        await CreateMigrator([new Migration(1, "one", "CREATE TABLE t1 (\r\n id INTEGER NOT NULL PRIMARY KEY\r\n)")]).MigrateAsync(Ct);

        Assert.Equal([(1L, "one")], await ReadHistoryAsync());
    }

    [Fact]
    public async Task Migrate_HistoryFromBeforeChecksums_IsTrustedOnceThenChecked()
    {
        // The history table as builds without checksums wrote it.
        await ExecuteAsync("CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        await ExecuteAsync("CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY)");
        await ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'one', '2026-01-01T00:00:00.0000000Z')");
        var first = new Migration(1, "one", "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY)");

        await CreateMigrator([first, new Migration(2, "two", "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY)")]).MigrateAsync(Ct);

        Assert.Equal([(1L, "one"), (2L, "two")], await ReadHistoryAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => CreateMigrator([new Migration(1, "one", "CREATE TABLE t1 (id INTEGER)"), new Migration(2, "two", "CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY)")]).MigrateAsync(Ct));
    }
}
