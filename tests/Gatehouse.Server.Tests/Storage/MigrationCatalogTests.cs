using Gatehouse.Storage;
using Xunit;

namespace Gatehouse.Tests.Storage;

public sealed class MigrationCatalogTests
{
    [Fact]
    public void All_AreEmbeddedNumberedFromOneWithoutGaps()
    {
        var migrations = MigrationCatalog.All;

        Assert.Equal(Enumerable.Range(1, migrations.Count), migrations.Select(m => m.Version));
        Assert.Equal("initial", migrations[0].Name);
        Assert.Contains("CREATE TABLE request_records", migrations[0].Sql, StringComparison.Ordinal);
        Assert.Equal(migrations.Count, MigrationCatalog.LatestVersion);
    }

    [Fact]
    public void All_UsePortableTypesOnly()
    {
        // No SQLite-only or PostgreSQL-only spellings, so one file serves both databases.
        string[] forbidden = ["AUTOINCREMENT", "SERIAL", "WITHOUT ROWID", "PRAGMA", "BLOB", "BYTEA", "TIMESTAMPTZ", "JSONB", "REAL "];
        foreach (var migration in MigrationCatalog.All)
        {
            foreach (var word in forbidden)
            {
                Assert.DoesNotContain(word, migration.Sql.Replace("-- ", "--", StringComparison.Ordinal)
                    .Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal))
                    .Aggregate("", (a, l) => a + l + "\n"), StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
