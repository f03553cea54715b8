using Microsoft.Data.Sqlite;

namespace Gatehouse.Storage.Sqlite;

/// <summary>
/// The SQLite file Gatehouse keeps its state in. Hands out pooled connections, each set up for
/// a single-process server: write-ahead log, relaxed fsync, a busy timeout so concurrent writers
/// wait instead of failing, and foreign keys enforced.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    // Per-connection settings; a pooled handle keeps them, setting them again is cheap.
    // journal_mode=WAL is stored in the file itself, so it runs once per SqliteDatabase.
    private const string ConnectionPragmas =
        "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;";

    private readonly SemaphoreSlim _walGate = new(1, 1);
    private volatile bool _walEnabled;

    public SqliteDatabase(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);

        FilePath = Path.GetFullPath(databasePath);
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    public string FilePath { get; }

    public string ConnectionString { get; }

    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = ConnectionPragmas;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            if (!_walEnabled)
            {
                await EnableWalAsync(connection, cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task EnableWalAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _walGate.WaitAsync(cancellationToken);
        try
        {
            if (_walEnabled)
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = (string?)await command.ExecuteScalarAsync(cancellationToken);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"SQLite database '{FilePath}' could not switch to write-ahead logging (journal mode is '{mode}').");
            }

            _walEnabled = true;
        }
        finally
        {
            _walGate.Release();
        }
    }

    /// <summary>Closes the pooled connections so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _walGate.Dispose();
    }
}
