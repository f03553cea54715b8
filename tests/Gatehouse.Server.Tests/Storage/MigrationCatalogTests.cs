using Gatehouse.Storage;
using Xunit;

namespace Gatehouse.Tests.Storage;

public sealed class MigrationCatalogTests
{
    [Fact]
    public void Sqlite_IsEmbedded_FromOne_InAscendingUniqueVersions()
    {
        // Gaps are allowed (parallel branches reserve numbers; the migrators apply every missing version).
        var migrations = MigrationCatalog.Sqlite.All;

        Assert.Equal(1, migrations[0].Version);
        Assert.True(migrations.Zip(migrations.Skip(1)).All(pair => pair.First.Version < pair.Second.Version));
        Assert.Contains(migrations, m => m is { Version: 2, Name: "cache_status" });
        Assert.Contains(migrations, m => m is { Version: 3, Name: "budgets" });
        Assert.Equal("initial", migrations[0].Name);
        Assert.Contains(migrations, m => m is { Version: 4, Name: "key_routing" });
        Assert.Contains("CREATE TABLE request_records", migrations[0].Sql, StringComparison.Ordinal);
        Assert.Equal(migrations[^1].Version, MigrationCatalog.Sqlite.LatestVersion);
    }

    [Fact]
    public void PostgreSql_IsEmbedded_AndStartsWithThePartitionedInitialSchema()
    {
        var migrations = MigrationCatalog.PostgreSql.All;

        Assert.Equal(1, migrations[0].Version);
        Assert.Equal("initial", migrations[0].Name);
        Assert.Contains("PARTITION BY RANGE (timestamp_us)", migrations[0].Sql, StringComparison.Ordinal);
        Assert.DoesNotContain(MigrationCatalog.Sqlite.All, m => m.Sql.Contains("PARTITION BY", StringComparison.Ordinal));
    }
}
