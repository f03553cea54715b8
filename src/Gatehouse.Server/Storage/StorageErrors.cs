using Microsoft.Data.Sqlite;
using Npgsql;

namespace Gatehouse.Storage;

/// <summary>
/// What a database's exception means for whoever asked: it cannot answer right now
/// (<see cref="IsUnavailable"/>: down, unreachable, out of connections, locked, out of disk; a 503 the
/// caller may retry), it refused a value (<see cref="IsValueRefused"/>: retrying the same row cannot
/// help), or anything else (a bug: a bad statement; a 500).
/// </summary>
internal static class StorageErrors
{
    // SQLite result codes (https://sqlite.org/rescode.html): busy, locked, I/O error, disk full, cannot open.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                // The server answered: connection-class errors and "shutting down / cannot connect now" are
                // about availability (SQLSTATE classes 08, 53, 57P); anything else it said is about the statement.
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal);

                // No answer at all: refused, reset, timed out, the pool exhausted.
                case NpgsqlException:
                    return true;
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull or SqliteCantOpen;
            }
        }

        return false;
    }

    /// <summary>PostgreSQL refused a value it was given (SQLSTATE class 22, data exception: text it cannot hold, a number out of range).</summary>
    public static bool IsValueRefused(Exception exception) =>
        exception is PostgresException postgres && postgres.SqlState.StartsWith("22", StringComparison.Ordinal);
}
