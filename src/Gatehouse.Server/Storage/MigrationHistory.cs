namespace Gatehouse.Storage;

/// <summary>
/// The checks both migrators make of a database's recorded history against this build's
/// migrations, with one wording for every back end: a newer build's schema, a version this build
/// skips, a renamed migration, and a released migration whose SQL changed.
/// </summary>
internal static class MigrationHistory
{
    /// <summary>One row of <c>schema_migrations</c>; <see cref="Checksum"/> is null for history from before checksums.</summary>
    internal sealed record Applied(long Version, string Name, string? Checksum);

    /// <exception cref="InvalidOperationException">The history does not belong to this build.</exception>
    public static void EnsureKnown(string database, IReadOnlyList<Migration> migrations, IReadOnlyList<Applied> applied)
    {
        var latestKnown = migrations.Count == 0 ? 0 : migrations[^1].Version;
        foreach (var row in applied)
        {
            if (row.Version > latestKnown)
            {
                throw new InvalidOperationException(
                    $"The database '{database}' has schema version {applied[^1].Version} ('{applied[^1].Name}'), "
                    + $"but this build of Gatehouse knows migrations only up to version {latestKnown}. "
                    + "It was written by a newer Gatehouse; run that version, or restore a backup made for this one.");
            }

            // Versions may have gaps (see MigrationCatalog): a recorded one this build skips is from another build.
            var known = migrations.FirstOrDefault(m => m.Version == row.Version)
                ?? throw new InvalidOperationException(
                    $"The database '{database}' has migration {row.Version} ('{row.Name}'), which this build of Gatehouse does not have. "
                    + "It was written by another Gatehouse build; run that one, or restore a backup made for this one.");
            if (!string.Equals(known.Name, row.Name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"The database '{database}' recorded migration {row.Version} as '{row.Name}', "
                    + $"but this build calls it '{known.Name}'. The database does not belong to this Gatehouse schema.");
            }

            if (row.Checksum is not null && !string.Equals(known.Checksum, row.Checksum, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Migration {row.Version:D4}_{row.Name} was applied to '{database}' with different SQL than this build has "
                    + $"(checksum {row.Checksum[..12]}… recorded, {known.Checksum[..12]}… now). A released migration must not change; "
                    + "put the change in a new migration, and run the build that matches this database.");
            }
        }
    }
}
