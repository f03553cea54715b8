using Gatehouse.Storage;
using Xunit;

namespace Gatehouse.Tests.Storage;

public sealed class MigrationCatalogTests
{
    [Fact]
    public void All_AreEmbeddedInIncreasingVersionOrderFromOne()
    {
        var migrations = MigrationCatalog.All;

        // Gaps are allowed (changes take their numbers when work starts and merge in any order); duplicates are not.
        Assert.Equal(1, migrations[0].Version);
        Assert.All(migrations.Zip(migrations.Skip(1)), pair => Assert.True(pair.First.Version < pair.Second.Version));
        Assert.Contains(migrations, m => m.Version == 3 && m.Name == "budgets");
        Assert.Equal("initial", migrations[0].Name);
        Assert.Contains("CREATE TABLE request_records", migrations[0].Sql, StringComparison.Ordinal);
        Assert.Equal(migrations[^1].Version, MigrationCatalog.LatestVersion);
    }

    [Theory]
    [InlineData("AUTOINCREMENT")]
    [InlineData("SERIAL")]
    [InlineData("WITHOUT ROWID")]
    [InlineData("PRAGMA")]
    [InlineData("BLOB")]
    [InlineData("BYTEA")]
    [InlineData("TIMESTAMPTZ")]
    [InlineData("JSONB")]
    [InlineData(" REAL")]
    public void All_AvoidDatabaseSpecificSpellings(string spelling)
    {
        // One file serves SQLite and PostgreSQL, so neither database's own dialect may appear outside comments.
        foreach (var migration in MigrationCatalog.All)
        {
            var code = string.Join('\n', migration.Sql.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal)));
            Assert.DoesNotContain(spelling, code, StringComparison.OrdinalIgnoreCase);
        }
    }
}
