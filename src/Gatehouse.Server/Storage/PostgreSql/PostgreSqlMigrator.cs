using System.Globalization;
using Dapper;
using Npgsql;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>
/// Applies the embedded PostgreSQL migrations, each in its own transaction that first takes a
/// transaction-scoped advisory lock (<c>pg_advisory_xact_lock</c>) and then checks again whether
/// another replica got there first: replicas starting together queue on the lock, one applies each
/// migration, the others find it recorded. PostgreSQL's DDL is transactional, so a failing migration
/// leaves nothing behind. Checksums are recorded and checked as by <see cref="Sqlite.SqliteMigrator"/>.
/// </summary>
internal sealed class PostgreSqlMigrator : IDatabaseMigrator
{
    /// <summary>
    /// The advisory lock's key: any constant every Gatehouse build agrees on ("gatehous" in ASCII).
    /// Advisory locks are scoped to the current database, so databases on one server do not contend.
    /// </summary>
    internal const long AdvisoryLockKey = 0x67617465686F7573;

    // History read back casts version to bigint: Dapper fills MigrationHistory.Applied by constructor, which needs Int64
    // (and a history table from an older build could have INTEGER).
    private const string CreateHistoryTable =
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     BIGINT NOT NULL PRIMARY KEY,
            name        TEXT   NOT NULL,
            applied_at  TEXT   NOT NULL,
            checksum    TEXT
        );
        ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum TEXT;
        """;

    private const string LockSql = "SELECT pg_advisory_xact_lock(@Key)";

    private readonly PostgreSqlDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly IReadOnlyList<Migration> _migrations;

    public PostgreSqlMigrator(PostgreSqlDatabase database, TimeProvider timeProvider)
        : this(database, timeProvider, MigrationCatalog.PostgreSql.All)
    {
    }

    internal PostgreSqlMigrator(PostgreSqlDatabase database, TimeProvider timeProvider, IReadOnlyList<Migration> migrations)
    {
        _database = database;
        _timeProvider = timeProvider;
        _migrations = migrations;
    }

    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var applied = await PrepareHistoryAsync(connection, ct);

        foreach (var migration in _migrations)
        {
            if (applied.Exists(a => a.Version == migration.Version))
            {
                continue;
            }

            await ApplyAsync(connection, migration, ct);
        }
    }

    /// <summary>The first connection of a start: a server that cannot be reached is said so, with where it was looked for.</summary>
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        try
        {
            return await _database.OpenConnectionAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database {_database.DisplayName} could not be reached to migrate it: {ex.Message}", ex);
        }
    }

    /// <summary>Creates the history table (under the lock, so two first starts do not race on CREATE TABLE), checks it, fills missing checksums.</summary>
    private async Task<List<MigrationHistory.Applied>> PrepareHistoryAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, transaction, ct);
        await connection.ExecuteAsync(new CommandDefinition(CreateHistoryTable, transaction: transaction, cancellationToken: ct));

        var applied = (await connection.QueryAsync<MigrationHistory.Applied>(new CommandDefinition(
            "SELECT version::bigint AS Version, name AS Name, checksum AS Checksum FROM schema_migrations ORDER BY version",
            transaction: transaction,
            cancellationToken: ct))).AsList();
        MigrationHistory.EnsureKnown(_database.DisplayName, _migrations, applied);

        // History from before checksums: the names matched, so this build's SQL is taken as what was applied.
        foreach (var row in applied.Where(static r => r.Checksum is null))
        {
            var known = _migrations.First(m => m.Version == row.Version);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE schema_migrations SET checksum = @Checksum WHERE version = @Version AND checksum IS NULL",
                new { known.Checksum, row.Version },
                transaction,
                cancellationToken: ct));
        }

        await transaction.CommitAsync(ct);
        return applied;
    }

    private async Task ApplyAsync(NpgsqlConnection connection, Migration migration, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, transaction, ct);

        var alreadyApplied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version",
            new { Version = (long)migration.Version },
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
        catch (PostgresException ex)
        {
            throw new InvalidOperationException(
                $"Migration {migration.Version:D4}_{migration.Name} failed on '{_database.DisplayName}': {ex.MessageText} (SQLSTATE {ex.SqlState}).", ex);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (@Version, @Name, @AppliedAt, @Checksum)",
            new
            {
                Version = (long)migration.Version,
                migration.Name,
                migration.Checksum,
                AppliedAt = _timeProvider.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            },
            transaction,
            cancellationToken: ct));

        await transaction.CommitAsync(ct);
    }

    private static Task<int> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        => connection.ExecuteAsync(new CommandDefinition(LockSql, new { Key = AdvisoryLockKey }, transaction, cancellationToken: ct));
}
