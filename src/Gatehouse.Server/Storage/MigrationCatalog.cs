using System.Globalization;
using System.Reflection;

namespace Gatehouse.Storage;

/// <summary>
/// One database dialect's migrations compiled into this assembly, in version order: each back end
/// has its own folder of SQL files (<c>Storage/Sqlite/Migrations</c>, <c>Storage/PostgreSql/Migrations</c>),
/// because a schema written for one (partitioned tables, column types) is not valid on the other.
/// </summary>
/// <remarks>
/// Versions start at 1 and only go up, but may have gaps: parallel branches reserve numbers, and
/// one may land before a lower one. The migrators apply every version the database has not
/// recorded, not just those above its highest, so a gap filled later is still applied.
/// </remarks>
internal sealed class MigrationCatalog
{
    private readonly Lazy<IReadOnlyList<Migration>> _all;

    private MigrationCatalog(string resourcePrefix) =>
        _all = new(() => Load(typeof(MigrationCatalog).Assembly, resourcePrefix));

    /// <summary>The embedded SQLite schema (<c>Storage/Sqlite/Migrations</c>).</summary>
    public static MigrationCatalog Sqlite { get; } = new("Gatehouse.Storage.Sqlite.Migrations.");

    /// <summary>The embedded PostgreSQL schema (<c>Storage/PostgreSql/Migrations</c>).</summary>
    public static MigrationCatalog PostgreSql { get; } = new("Gatehouse.Storage.PostgreSql.Migrations.");

    public IReadOnlyList<Migration> All => _all.Value;

    public int LatestVersion => All[^1].Version;

    internal static IReadOnlyList<Migration> Load(Assembly assembly, string resourcePrefix)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal)
                || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[resourcePrefix.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0
                || !int.TryParse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                || version <= 0)
            {
                throw new InvalidOperationException(
                    $"Migration resource '{resource}' must be named NNNN_name.sql with a positive version number.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Migration resource '{resource}' could not be read.");
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        // Gaps are allowed: a change takes its number when work starts, and changes merge in any
        // order. The migrator applies every version a database lacks, so a lower number merged
        // later still runs. Duplicates would be two changes claiming one number, which is an error.
        migrations.Sort(static (a, b) => a.Version.CompareTo(b.Version));
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException($"No embedded migrations found under '{resourcePrefix}'.");
        }

        if (migrations[0].Version != 1)
        {
            throw new InvalidOperationException($"Migrations must start at version 1; the first is version {migrations[0].Version}.");
        }

        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Migration version {migrations[i].Version} is used twice ('{migrations[i - 1].Name}' and '{migrations[i].Name}').");
            }
        }

        return migrations;
    }
}
