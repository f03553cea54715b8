using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Storage.Sqlite;

/// <summary>
/// Applies the embedded migrations to a SQLite database, each in its own <c>BEGIN IMMEDIATE</c>
/// transaction that first checks again whether another process got there first. Each applied
/// migration's checksum is recorded; a recorded migration whose SQL this build has changed stops
/// the start (schema history written before checksums existed is trusted once and filled in).
/// </summary>
internal sealed class SqliteMigrator : IDatabaseMigrator
{
    private const string CreateHistoryTable =
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     INTEGER NOT NULL PRIMARY KEY,
            name        TEXT    NOT NULL,
            applied_at  TEXT    NOT NULL,
            checksum    TEXT
        );
        """;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly IReadOnlyList<Migration> _migrations;

    public SqliteMigrator(SqliteDatabase database, TimeProvider timeProvider)
        : this(database, timeProvider, MigrationCatalog.Sqlite.All)
    {
    }

    internal SqliteMigrator(SqliteDatabase database, TimeProvider timeProvider, IReadOnlyList<Migration> migrations)
    {
        _database = database;
        _timeProvider = timeProvider;
        _migrations = migrations;
    }

    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var connection = await _database.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(CreateHistoryTable, cancellationToken: ct));
        await AddChecksumColumnAsync(connection, ct);

        var applied = (await connection.QueryAsync<AppliedMigration>(new CommandDefinition(
            "SELECT version AS Version, name AS Name, checksum AS Checksum FROM schema_migrations ORDER BY version", cancellationToken: ct))).ToList();
        EnsureKnown(applied);
        await RecordMissingChecksumsAsync(connection, applied, ct);

        foreach (var migration in _migrations)
        {
            if (applied.Exists(a => a.Version == migration.Version))
            {
                continue;
            }

            await ApplyAsync(connection, migration, ct);
        }
    }

    private void EnsureKnown(List<AppliedMigration> applied)
    {
        var latestKnown = _migrations.Count == 0 ? 0 : _migrations[^1].Version;
        foreach (var row in applied)
        {
            if (row.Version > latestKnown)
            {
                throw new InvalidOperationException(
                    $"The database '{_database.FilePath}' has schema version {applied[^1].Version} ('{applied[^1].Name}'), "
                    + $"but this build of Gatehouse knows migrations only up to version {latestKnown}. "
                    + "It was written by a newer Gatehouse; run that version, or restore a backup made for this one.");
            }

            // Versions may have gaps (see MigrationCatalog): a recorded one this build skips is from another build.
            var known = _migrations.FirstOrDefault(m => m.Version == row.Version)
                ?? throw new InvalidOperationException(
                    $"The database '{_database.FilePath}' has migration {row.Version} ('{row.Name}'), which this build of Gatehouse does not have. "
                    + "It was written by another Gatehouse build; run that one, or restore a backup made for this one.");
            if (!string.Equals(known.Name, row.Name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"The database '{_database.FilePath}' recorded migration {row.Version} as '{row.Name}', "
                    + $"but this build calls it '{known.Name}'. The database does not belong to this Gatehouse schema.");
            }

            if (row.Checksum is not null && !string.Equals(known.Checksum, row.Checksum, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Migration {row.Version:D4}_{row.Name} was applied to '{_database.FilePath}' with different SQL than this build has "
                    + $"(checksum {row.Checksum[..12]}… recorded, {known.Checksum[..12]}… now). A released migration must not change; "
                    + "put the change in a new migration, and run the build that matches this database.");
            }
        }
    }

    /// <summary>Databases made before checksums were recorded get the column (SQLite has no ADD COLUMN IF NOT EXISTS).</summary>
    private static async Task AddChecksumColumnAsync(SqliteConnection connection, CancellationToken ct)
    {
        var columns = await connection.QueryAsync<string>(new CommandDefinition("SELECT name FROM pragma_table_info('schema_migrations')", cancellationToken: ct));
        if (!columns.Contains("checksum", StringComparer.OrdinalIgnoreCase))
        {
            await connection.ExecuteAsync(new CommandDefinition("ALTER TABLE schema_migrations ADD COLUMN checksum TEXT", cancellationToken: ct));
        }
    }

    /// <summary>History from before checksums: the names matched, so this build's SQL is taken as what was applied.</summary>
    private async Task RecordMissingChecksumsAsync(SqliteConnection connection, List<AppliedMigration> applied, CancellationToken ct)
    {
        foreach (var row in applied.Where(static r => r.Checksum is null))
        {
            var known = _migrations.First(m => m.Version == row.Version);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE schema_migrations SET checksum = @Checksum WHERE version = @Version AND checksum IS NULL",
                new { known.Checksum, Version = row.Version },
                cancellationToken: ct));
        }
    }

    private async Task ApplyAsync(SqliteConnection connection, Migration migration, CancellationToken ct)
    {
        // BeginTransaction() issues BEGIN IMMEDIATE: the write lock is taken up front, so two
        // processes migrating at once serialize here and the second one sees the first's row.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);

        var alreadyApplied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version",
            new { migration.Version },
            transaction,
            cancellationToken: ct));
        if (alreadyApplied > 0)
        {
            return;
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: ct));
        }
        catch (SqliteException ex)
        {
            throw new InvalidOperationException(
                $"Migration {migration.Version:D4}_{migration.Name} failed on '{_database.FilePath}': {ex.Message}", ex);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (@Version, @Name, @AppliedAt, @Checksum)",
            new
            {
                migration.Version,
                migration.Name,
                migration.Checksum,
                AppliedAt = _timeProvider.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            },
            transaction,
            cancellationToken: ct));

        await transaction.CommitAsync(ct);
    }

    private sealed record AppliedMigration(long Version, string Name, string? Checksum);
}
