using System.Globalization;
using Dapper;
using Npgsql;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>
/// Creates and drops the day partitions of <c>request_records</c> (<c>request_records_pYYYYMMDD</c>,
/// UTC days, bounds in microseconds). Each change runs in its own transaction under an advisory lock,
/// so replicas doing the same maintenance at once do it once. Rows that already sit in the DEFAULT
/// partition for a day being created are moved into the new partition first: PostgreSQL refuses to
/// attach a range the default partition still holds rows for. Moving rows between partitions leaves
/// the analytics rollups as they are (the trigger that keeps them sees inserts into request_records
/// itself, not into a partition); dropping rows deletes their rollup hours in the same transaction.
/// </summary>
internal sealed class PostgreSqlRecordPartitions(PostgreSqlDatabase database)
{
    /// <summary>Distinct from the migrator's key: maintenance must not wait behind a long migration's lock, nor block it.</summary>
    internal const long AdvisoryLockKey = 0x67617465706172; // "gatepar"

    private const string Prefix = "request_records_p";

    /// <summary>Deletes the analytics rollups (migration 0002) of the hours that match <paramref name="condition"/>.</summary>
    private static string DeleteRollupHours(string condition) =>
        $"DELETE FROM request_record_hours WHERE {condition};\nDELETE FROM request_record_latency_hours WHERE {condition}";

    public static string PartitionName(DateOnly day) => Prefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Creates the partitions for <paramref name="from"/> and the <paramref name="daysAhead"/> days after it; returns how many were new.</summary>
    public async Task<int> EnsureAsync(DateOnly from, int daysAhead, bool unlogged, CancellationToken cancellationToken)
    {
        var created = 0;
        for (var i = 0; i <= daysAhead; i++)
        {
            if (await CreateAsync(from.AddDays(i), unlogged, cancellationToken))
            {
                created++;
            }
        }

        return created;
    }

    /// <summary>Drops every day partition for a day before <paramref name="firstKeptDay"/> and deletes older rows from the DEFAULT partition; returns the partitions dropped.</summary>
    public async Task<IReadOnlyList<string>> DropBeforeAsync(DateOnly firstKeptDay, CancellationToken cancellationToken)
    {
        var dropped = new List<string>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var (name, day) in await ListAsync(connection, cancellationToken))
        {
            if (day >= firstKeptDay)
            {
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await LockAsync(connection, transaction, cancellationToken);
            // The name comes from pg_class and matched Prefix + 8 digits, so it is safe to splice. Dropping a
            // partition locks request_records whole, so no insert adds to the day's rollup hours until they are gone too.
            await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE IF EXISTS {name}", transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                DeleteRollupHours("hour_us >= @FromUs AND hour_us < @ToUs"),
                new { FromUs = StartUs(day), ToUs = StartUs(day.AddDays(1)) },
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            dropped.Add(name);
        }

        // SHARE blocks inserts (and waits for those under way), so the rows deleted and the rollup hours deleted are the same calls.
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "LOCK TABLE request_records IN SHARE MODE;\n"
                + "DELETE FROM request_records_default WHERE timestamp_us < @ToUs;\n"
                + DeleteRollupHours("hour_us < @ToUs"),
                new { ToUs = StartUs(firstKeptDay) },
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }

        return dropped;
    }

    /// <summary>The day partitions that exist, by the day their name says.</summary>
    public async Task<IReadOnlyList<(string Name, DateOnly Day)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await ListAsync(connection, cancellationToken);
    }

    private static async Task<IReadOnlyList<(string Name, DateOnly Day)>> ListAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var names = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'request_records'::regclass
            ORDER BY c.relname
            """,
            cancellationToken: cancellationToken));
        var days = new List<(string, DateOnly)>();
        foreach (var name in names)
        {
            if (name.Length == Prefix.Length + 8
                && name.StartsWith(Prefix, StringComparison.Ordinal)
                && DateOnly.TryParseExact(name.AsSpan(Prefix.Length), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add((name, day));
            }
        }

        return days;
    }

    private async Task<bool> CreateAsync(DateOnly day, bool unlogged, CancellationToken cancellationToken)
    {
        var name = PartitionName(day);
        var bounds = new { FromUs = StartUs(day), ToUs = StartUs(day.AddDays(1)) };
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass(@Name) IS NOT NULL", new { Name = name }, transaction, cancellationToken: cancellationToken));
        if (exists)
        {
            return false;
        }

        // DDL takes no parameters: the bounds are integers formatted invariantly, the name is built from a date.
        var from = bounds.FromUs.ToString(CultureInfo.InvariantCulture);
        var to = bounds.ToUs.ToString(CultureInfo.InvariantCulture);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            CREATE {(unlogged ? "UNLOGGED " : "")}TABLE {name} (LIKE request_records INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            WITH moved AS (DELETE FROM request_records_default WHERE timestamp_us >= {from} AND timestamp_us < {to} RETURNING *)
            INSERT INTO {name} SELECT * FROM moved;
            ALTER TABLE request_records ATTACH PARTITION {name} FOR VALUES FROM ({from}) TO ({to});
            """,
            transaction: transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static long StartUs(DateOnly day)
        => StorageValues.ToUnixMicroseconds(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

    private static Task<int> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        => connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@Key)", new { Key = AdvisoryLockKey }, transaction, cancellationToken: cancellationToken));
}
