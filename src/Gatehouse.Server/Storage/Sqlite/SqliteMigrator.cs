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

        var applied = (await connection.QueryAsync<MigrationHistory.Applied>(new CommandDefinition(
            "SELECT version AS Version, name AS Name, checksum AS Checksum FROM schema_migrations ORDER BY version", cancellationToken: ct))).ToList();
        MigrationHistory.EnsureKnown(_database.FilePath, _migrations, applied);
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
    private async Task RecordMissingChecksumsAsync(SqliteConnection connection, List<MigrationHistory.Applied> applied, CancellationToken ct)
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
}
