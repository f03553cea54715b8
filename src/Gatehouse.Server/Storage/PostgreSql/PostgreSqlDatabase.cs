using Npgsql;

namespace Gatehouse.Storage.PostgreSql;

/// <summary>
/// The PostgreSQL database Gatehouse keeps its state in, shared by every replica. Wraps one
/// <see cref="NpgsqlDataSource"/>, which pools connections for the process; the stores open one
/// per operation and give it back at once, as with <see cref="Sqlite.SqliteDatabase"/>.
/// </summary>
internal sealed class PostgreSqlDatabase : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <param name="connectionString">Npgsql's format (<c>Host=...;Database=...;Username=...;Password=...</c>).</param>
    /// <param name="source">Where the string came from (a configuration key), shown in <see cref="DisplayName"/>.</param>
    public PostgreSqlDatabase(string connectionString, string? source = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Shows up in pg_stat_activity, so an operator can tell Gatehouse's connections apart.
        builder.ConnectionStringBuilder.ApplicationName ??= "gatehouse";
        DisplayName = Describe(builder.ConnectionStringBuilder) + (source is null ? "" : $" ({source})");
        _dataSource = builder.Build();
    }

    /// <summary>Host, port and database, never the user's password: what errors and logs may show.</summary>
    public string DisplayName { get; }

    public NpgsqlDataSource DataSource => _dataSource;

    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await _dataSource.OpenConnectionAsync(cancellationToken);

    private static string Describe(NpgsqlConnectionStringBuilder builder)
        => $"postgresql://{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
